/**
 * Runs token-endpoint requests one at a time.
 *
 * oidc-provider's refresh_token grant is check-then-act: find the token,
 * check `consumed`, then consume it, with awaits in between. Two requests
 * presenting the same refresh token could both pass the check if their
 * awaits interleaved, and reuse would go undetected. With the in-memory
 * adapter those awaits are only microtasks, so in practice requests do not
 * interleave (the concurrent-reuse test passes even without this queue), but
 * that is an accident of timing, not a guarantee. The multi-process race
 * tests in @tokenstore/core need the guarantee: a duplicate refresh must
 * always come back `invalid_grant` (and revoke the grant), or a broken SDK
 * lock could pass by luck. In-process token requests take well under a
 * millisecond, so the queue costs the benchmarks nothing noticeable.
 */
import type { KoaContextWithOIDC } from 'oidc-provider';

type Middleware = (ctx: KoaContextWithOIDC, next: () => Promise<unknown>) => Promise<void>;

export function serializeTokenRequests(tokenPath: string): Middleware {
  let tail: Promise<unknown> = Promise.resolve();
  return async function oneTokenRequestAtATime(ctx, next) {
    // ctx.oidc does not exist yet (it is created by the route), so match the path.
    if (ctx.method !== 'POST' || ctx.path !== tokenPath) {
      await next();
      return;
    }
    const run = tail.then(() => next());
    // Keep the queue going whatever this request's outcome was.
    tail = run.catch(() => undefined);
    await run;
  };
}
