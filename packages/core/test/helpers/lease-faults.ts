/**
 * Faults around the refresh lease that a real store cannot produce on demand: a holder whose lease
 * renewals stall (as if the process were stopped), a save that takes longer than the lease ttl, and a
 * rotating token endpoint whose answers a test can hold back.
 */
import type { FetchLike, OAuthToken, RefreshLock, TokenStore } from '../../src/index.js';

/** `store` seen through another lock (same records), or with some of its methods replaced. */
export function delegatingStore(store: TokenStore, overrides: Partial<TokenStore> = {}): TokenStore {
  return {
    findToken: (t) => store.findToken(t),
    findTokenById: (id) => store.findTokenById(id),
    saveToken: (t) => store.saveToken(t),
    deleteToken: (id) => store.deleteToken(id),
    getTokens: () => store.getTokens(),
    deleteTokens: () => store.deleteTokens(),
    lock: store.lock,
    ...overrides,
  };
}

/** Saves that take `delayMs` before they reach `store`. */
export function slowSaves(store: TokenStore, delayMs: number): TokenStore {
  return delegatingStore(store, {
    saveToken: async (token: OAuthToken) => {
      await new Promise((resolve) => setTimeout(resolve, delayMs));
      return store.saveToken(token);
    },
  });
}

/**
 * A lock whose renewals (an acquire by an owner that already got the lease once) hang while stalled,
 * like a process that is stopped: the lease expires meanwhile. They go through once `unstall()` runs.
 */
export class StallableLock implements RefreshLock {
  readonly #inner: RefreshLock;
  readonly #holders = new Set<string>();
  #stalled = false;
  #gate: Promise<void> = Promise.resolve();
  #open: () => void = () => undefined;
  renewals = 0;

  constructor(inner: RefreshLock) {
    this.#inner = inner;
  }

  stall(): void {
    if (this.#stalled) return;
    this.#stalled = true;
    this.#gate = new Promise((resolve) => (this.#open = resolve));
  }

  unstall(): void {
    this.#stalled = false;
    this.#open();
  }

  async acquire(key: string, owner: string, ttlMs: number): Promise<boolean> {
    if (this.#holders.has(owner)) {
      this.renewals++;
      if (this.#stalled) await this.#gate;
    }
    const held = await this.#inner.acquire(key, owner, ttlMs);
    if (held) this.#holders.add(owner);
    return held;
  }

  release(key: string, owner: string): Promise<void> {
    return this.#inner.release(key, owner);
  }
}

export interface RotatingEndpoint {
  fetch: FetchLike;
  /** The refresh tokens presented, in order. */
  presented: string[];
  /** Set when a spent refresh token was presented and the server revoked the grant (reuse detection). */
  revoked: boolean;
  /** The next answer waits for this promise (once). */
  holdNext(until: Promise<unknown>): void;
  /** The next answer is this HTTP status with no token (once). */
  failNext(status: number): void;
}

/**
 * A token endpoint that rotates refresh tokens: `r<n>` is answered with `r<n+1>` / `a<n+1>`. A spent
 * refresh token gets invalid_grant; with `reuseDetection` that also revokes the grant (as oidc-provider
 * does), with `graceReuses` a spent token is honoured that many more times (some servers allow a
 * short reuse window), each time with a new pair.
 */
export function rotatingEndpoint(options: { first?: string; reuseDetection?: boolean; graceReuses?: number } = {}): RotatingEndpoint {
  let issued = 0;
  const live = new Set([options.first ?? 'r0']);
  const spent = new Map<string, number>();
  let hold: Promise<unknown> | undefined;
  let fail: number | undefined;
  const endpoint: RotatingEndpoint = {
    presented: [],
    revoked: false,
    holdNext: (until) => void (hold = until),
    failNext: (status) => void (fail = status),
    fetch: async (_input, init) => {
      const form = new URLSearchParams(typeof init?.body === 'string' ? init.body : '');
      const presented = form.get('refresh_token') ?? '';
      endpoint.presented.push(presented);
      const status = fail;
      fail = undefined;
      const waitFor = hold;
      hold = undefined;
      const answer = (): Response => {
        if (status !== undefined) return new Response('unavailable', { status });
        const reuses = spent.get(presented);
        const honoured = !endpoint.revoked && (live.has(presented) || (reuses !== undefined && reuses < (options.graceReuses ?? 0)));
        if (!honoured) {
          if (reuses !== undefined && options.reuseDetection) endpoint.revoked = true;
          return Response.json({ error: 'invalid_grant' }, { status: 400 });
        }
        live.delete(presented);
        spent.set(presented, reuses === undefined ? 0 : reuses + 1);
        issued++;
        live.add(`r${issued}`);
        return Response.json({ access_token: `a${issued}`, refresh_token: `r${issued}`, token_type: 'Bearer', expires_in: 3600 });
      };
      // The server decides when the request arrives; the answer may travel back later.
      const response = answer();
      if (waitFor) await waitFor;
      return response;
    },
  };
  return endpoint;
}

/** A promise and its resolver. */
export function gate(): { promise: Promise<void>; open: () => void } {
  let open: () => void = () => undefined;
  const promise = new Promise<void>((resolve) => (open = resolve));
  return { promise, open };
}

/** Resolves once `condition()` holds (polled every 2 ms), or rejects after `timeoutMs`. */
export async function until(condition: () => boolean, timeoutMs = 5000): Promise<void> {
  const started = Date.now();
  while (!condition()) {
    if (Date.now() - started > timeoutMs) throw new Error('until: condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 2));
  }
}
