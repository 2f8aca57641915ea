/**
 * The expiry rule: a token is valid while `now + skew < expiresAt`, with
 * `skew = min(configured, half the token's lifetime)`, and only if its access token can be sent in a
 * header. Remembers what it needs between calls so the hot path compares references, no I/O.
 */
import type { OAuthToken } from '../oauth-token.js';
import type { EngineContext } from './engine-context.js';
import { isHeaderSafeToken } from './header-value.js';

export class TokenValidity {
  readonly #ctx: EngineContext;
  #lifetime: { expiresAt: number; ms: number } | undefined;
  /** The last access token found header-safe (see usable). */
  #headerSafeAccessToken: string | undefined;

  constructor(ctx: EngineContext) {
    this.#ctx = ctx;
  }

  /**
   * Valid now: an access token that is not `rejected`, can be sent in a header, and is not within skew
   * of its expiry. A token that cannot be a header value (CR/LF, controls, non-ASCII: a corrupt record
   * or a configured typo) is never handed out: it would make fetch throw an error quoting it.
   */
  usable(token: OAuthToken, rejected?: string): boolean {
    const accessToken = token.accessToken;
    if (!accessToken || accessToken === rejected) return false;
    if (accessToken !== this.#headerSafeAccessToken) {
      // Checked once per distinct value: the hot path then only compares one string reference.
      if (!isHeaderSafeToken(accessToken)) return false;
      this.#headerSafeAccessToken = accessToken;
    }
    const expiresAt = token.expiresAt;
    if (expiresAt === undefined) {
      // Unknown expiry: usable until the API rejects it, unless it can be refreshed (to learn it).
      return !token.refreshToken && !token.grantToken;
    }
    return !token.isExpired(this.#ctx.clock.now(), this.#skewFor(token));
  }

  /** Notes the lifetime of a token the engine now holds (known when it came from the server). */
  remember(token: OAuthToken, lifetimeMs: number | undefined): void {
    const expiresAt = token.expiresAt;
    if (expiresAt === undefined) return;
    if (this.#lifetime?.expiresAt === expiresAt && lifetimeMs === undefined) return;
    // A token from the store: its lifetime is what the server last granted, or at least what is left.
    this.#lifetime = { expiresAt, ms: lifetimeMs ?? this.#ctx.learned.lifetimeMs ?? Math.max(0, expiresAt - this.#ctx.clock.now()) };
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
