/**
 * Exact request counters, taken inside oidc-provider's own Koa app.
 *
 * The middleware is installed with `provider.use()`, which puts it outside
 * every oidc-provider middleware. That lets it read what the provider itself
 * parsed (`ctx.oidc.route`, `ctx.oidc.body`) after the request was handled,
 * instead of parsing the form body again and racing the provider for the
 * request stream. Because Koa writes the response only after the whole
 * middleware chain has unwound, a counter is always updated before the client
 * can see the response, so `counts` is exact the moment a `fetch` resolves.
 */
import type { KoaContextWithOIDC } from 'oidc-provider';

import type { OAuthServerCounts } from './types.js';

type Middleware = (ctx: KoaContextWithOIDC, next: () => Promise<unknown>) => Promise<void>;

export function zeroCounts(): OAuthServerCounts {
  return { token: 0, refresh: 0, authorizationCode: 0, revocation: 0, api: 0, invalidGrant: 0 };
}

export function resetCounts(counts: OAuthServerCounts): void {
  Object.assign(counts, zeroCounts());
}

export function countingMiddleware(counts: OAuthServerCounts): Middleware {
  return async function countRequests(ctx, next) {
    try {
      await next();
    } finally {
      // ctx.oidc only exists for requests that matched an oidc-provider route.
      const oidc = (ctx as Partial<KoaContextWithOIDC>).oidc;
      if (oidc?.route === 'token') {
        counts.token += 1;
        const grantType = (oidc.body as Record<string, unknown> | undefined)?.grant_type;
        if (grantType === 'refresh_token') counts.refresh += 1;
        if (grantType === 'authorization_code') counts.authorizationCode += 1;
        if (errorOf(ctx.body) === 'invalid_grant') counts.invalidGrant += 1;
      } else if (oidc?.route === 'revocation') {
        counts.revocation += 1;
      }
    }
  };
}

function errorOf(body: unknown): unknown {
  return typeof body === 'object' && body !== null ? (body as { error?: unknown }).error : undefined;
}
