/**
 * The expiry rule: a token is valid while `now + skew < expiresAt`, with
 * `skew = min(configured, half the token's lifetime)`, and only if its access token can be sent in a
 * header. Remembers what it needs between calls so the hot path compares references, no I/O.
 */

/** What the rule says about one token, worked out once: its access token is valid while `now < until`. */
interface Verdict {
  readonly token: OAuthToken;
  readonly accessToken: string | undefined;
  readonly until: number;
}
import type { OAuthToken } from '../oauth-token.js';
import type { EngineContext } from './engine-context.js';
import { isHeaderSafeToken } from './header-value.js';

export class TokenValidity {
  readonly #ctx: EngineContext;
  #lifetime: { expiresAt: number; ms: number } | undefined;
  /** The last access token found header-safe (see usable). */
  #headerSafeAccessToken: string | undefined;
  /** The verdict on the token the hot path last saw (see validAccessToken). */
  #verdict: Verdict | undefined;

  constructor(ctx: EngineContext) {
    this.#ctx = ctx;
  }

  /**
   * Valid now: an access token that is not `rejected`, can be sent in a header, and is not within skew
   * of its expiry. A token that cannot be a header value (CR/LF, controls, non-ASCII: a corrupt record
   * or a configured typo) is never handed out: it would make fetch throw an error quoting it.
   */
  usable(token: OAuthToken, rejected?: string): boolean {
    // The hot path's rule (#judge), plus the one thing it never sees: an access token the API rejected.
    if (rejected !== undefined && token.accessToken === rejected) return false;
    return this.#ctx.clock.now() < this.#judge(token).until;
  }

  /**
   * The hot path: `token`'s access token if it is usable now, else undefined. Everything but the clock
   * depends only on the token (an immutable object), so it is decided once per token, and a call is
   * one reference compare and one clock reading.
   */
  validAccessToken(token: OAuthToken): string | undefined {
    let verdict = this.#verdict;
    if (verdict === undefined || verdict.token !== token) verdict = this.#judge(token);
    return this.#ctx.clock.now() < verdict.until ? verdict.accessToken : undefined;
  }

  /** Notes the lifetime of a token the engine now holds (known when it came from the server). */
  remember(token: OAuthToken, lifetimeMs: number | undefined): void {
    const expiresAt = token.expiresAt;
    if (expiresAt === undefined) return;
    if (this.#lifetime?.expiresAt === expiresAt && lifetimeMs === undefined) return;
    this.#verdict = undefined; // the skew may change with the lifetime
    // A token from the store: its lifetime is what the server last granted, or at least what is left.
    this.#lifetime = { expiresAt, ms: lifetimeMs ?? this.#ctx.learned.lifetimeMs ?? Math.max(0, expiresAt - this.#ctx.clock.now()) };
  }

  /**
   * `usable(token)` as a deadline. Cached only while the skew is fixed by the remembered lifetime of
   * this very expiry; otherwise (a token the engine does not hold) it is worked out on every call.
   */
  #judge(token: OAuthToken): Verdict {
    const accessToken = token.accessToken;
    const expiresAt = token.expiresAt;
    let until: number;
    if (accessToken && accessToken !== this.#headerSafeAccessToken && isHeaderSafeToken(accessToken)) {
      this.#headerSafeAccessToken = accessToken; // checked once per distinct value
    }
    if (!accessToken || accessToken !== this.#headerSafeAccessToken) until = -Infinity;
    else if (expiresAt === undefined) until = !token.refreshToken && !token.grantToken ? Infinity : -Infinity;
    else until = expiresAt - this.#skewFor(token); // valid while now + skew < expiresAt
    const verdict: Verdict = { token, accessToken, until };
    if (expiresAt === undefined || this.#lifetime?.expiresAt === expiresAt) this.#verdict = verdict;
    return verdict;
  }

  /** skew = min(configured, half the token's lifetime). */
  #skewFor(token: OAuthToken): number {
    const expiresAt = token.expiresAt as number;
    let lifetime: number;
    if (this.#lifetime && this.#lifetime.expiresAt === expiresAt) lifetime = this.#lifetime.ms;
    else lifetime = this.#ctx.learned.lifetimeMs ?? expiresAt - this.#ctx.clock.now();
    return Math.max(0, Math.min(this.#ctx.options.skewMs, Math.floor(lifetime / 2)));
  }
}
