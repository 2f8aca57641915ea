/**
 * oidc-provider 8 configuration for the test server.
 *
 * Each setting departs from oidc-provider's defaults only where the SDK's
 * tests need a plain, predictable OAuth 2.0 server; the comments say why.
 */
import { randomBytes, type JsonWebKey } from 'node:crypto';

import type { ClientMetadata, Configuration, KoaContextWithOIDC } from 'oidc-provider';

import { createMemoryAdapterFactory } from './memory-adapter.js';
import type { TestClient, TestClientOptions } from './types.js';

export const DEFAULT_CLIENT_ID = 'tokenstore-test-client';
export const DEFAULT_CLIENT_SECRET = 'tokenstore-test-secret';
export const SCOPES = ['openid', 'offline_access', 'api'] as const;
export const DEFAULT_SCOPE = SCOPES.join(' ');

export const DEFAULT_ACCESS_TOKEN_TTL_SECONDS = 3600;
export const DEFAULT_REFRESH_TOKEN_TTL_SECONDS = 14 * 24 * 60 * 60;

export interface ProviderSettings {
  issuer: string;
  accessTokenTtlSeconds: number;
  refreshTokenTtlSeconds: number;
  rotateRefreshTokens: boolean;
  clients: TestClientOptions[] | undefined;
  signingKey: JsonWebKey;
}

/** Fills in a client's defaults; the redirect URI lives under the issuer but is never served. */
export function resolveClients(issuer: string, options: TestClientOptions[] | undefined): TestClient[] {
  const specs = options?.length ? options : [{ clientId: DEFAULT_CLIENT_ID, clientSecret: DEFAULT_CLIENT_SECRET }];
  return specs.map((spec) => ({
    clientId: spec.clientId,
    clientSecret: spec.tokenEndpointAuthMethod === 'none' ? '' : (spec.clientSecret ?? DEFAULT_CLIENT_SECRET),
    redirectUri: spec.redirectUri ?? `${issuer}/cb`,
    scope: spec.scope ?? DEFAULT_SCOPE,
  }));
}

function clientMetadata(client: TestClient, spec: TestClientOptions | undefined): ClientMetadata {
  const isPublic = spec?.tokenEndpointAuthMethod === 'none';
  return {
    client_id: client.clientId,
    ...(isPublic ? {} : { client_secret: client.clientSecret }),
    redirect_uris: [client.redirectUri],
    grant_types: spec?.clientCredentials ? ['authorization_code', 'refresh_token', 'client_credentials'] : ['authorization_code', 'refresh_token'],
    response_types: ['code'],
    scope: client.scope,
    // Either secret method works in v8 for a secret-bearing client; this is just the advertised one.
    token_endpoint_auth_method: spec?.tokenEndpointAuthMethod ?? 'client_secret_post',
  };
}

export function providerConfiguration(settings: ProviderSettings, clients: TestClient[]): Configuration {
  const specs = settings.clients;
  const pkceClients = new Set((specs ?? []).filter((s) => s.pkceRequired).map((s) => s.clientId));
  const anyClientCredentials = (specs ?? []).some((s) => s.clientCredentials);
  return {
    clients: clients.map((client, i) => clientMetadata(client, specs?.[i])),
    adapter: createMemoryAdapterFactory(),
    jwks: { keys: [settings.signingKey as never] },
    // Random per server: signed cookies only need to survive this process.
    cookies: { keys: [randomBytes(32).toString('hex')] },

    scopes: [...SCOPES],
    // Any account id is valid: the dev login page accepts any username.
    findAccount: async (_ctx, sub) => ({ accountId: sub, claims: async () => ({ sub }) }),

    features: {
      devInteractions: { enabled: true },
      revocation: { enabled: true },
      // Only when a client asks for it, so the discovery document of other tests is unchanged.
      clientCredentials: { enabled: anyClientCredentials },
      // Off so access tokens are opaque handles stored in the adapter, which
      // the protected API can look up with AccessToken.find().
      resourceIndicators: { enabled: false },
    },

    // By default oidc-provider issues a refresh token only when the code was
    // granted `offline_access`, and it silently drops `offline_access` from an
    // authorization request without prompt=consent. The SDK under test should
    // get a refresh token from every code exchange, like most real providers.
    issueRefreshToken: async (_ctx, client) => client.grantTypeAllowed('refresh_token'),

    // true: consume the presented refresh token and return a new one; a
    // consumed token presented again fails with invalid_grant and revokes the
    // grant. false: the same refresh token is returned each time.
    rotateRefreshToken: settings.rotateRefreshTokens,

    // PKCE would otherwise be required for every authorization request. Off by
    // default (the headless authorize() sends none); a client registered with
    // pkceRequired gets it enforced, S256 only.
    pkce: {
      methods: ['S256'],
      required: (_ctx, client) => pkceClients.has(client.clientId),
    },

    ttl: {
      AccessToken: settings.accessTokenTtlSeconds,
      ClientCredentials: settings.accessTokenTtlSeconds,
      RefreshToken: settings.refreshTokenTtlSeconds,
      AuthorizationCode: 60,
      IdToken: 3600,
      Interaction: 600,
      Session: 3600,
      // Must outlive the refresh tokens: an expired grant invalidates them.
      Grant: settings.refreshTokenTtlSeconds,
    },

    // Only reached by browser-like requests (Accept: text/html); fetch gets JSON.
    renderError: async (ctx: KoaContextWithOIDC, out) => {
      ctx.type = 'json';
      ctx.body = out;
    },
  };
}
