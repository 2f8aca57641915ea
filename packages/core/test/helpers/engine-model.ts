/**
 * The pieces of the property-based model of the refresh engine (engine-model.test.ts): a rotating
 * token endpoint with reuse detection, a view of one shared MemoryStore per "process" whose every
 * operation waits for fast-check's scheduler, and a driver that runs the scheduler and the fake clock
 * until nothing is left to do.
 *
 * Time is fake (vitest's fake Date and setTimeout), so leases, backoff sleeps, lock polls and token
 * expiry all follow one clock the model moves on purpose.
 */
import type { Scheduler } from 'fast-check';
import { vi } from 'vitest';
import { TokenStoreError, type FetchLike, type MemoryStore, type OAuthToken, type RefreshLock, type TokenStore } from '../../src/index.js';

/** One token request the endpoint received. */
export interface ModelRequest {
  process: number;
  refreshToken: string;
  sentAt: number;
  /** Whether the sender held a live lease on the token at the moment it sent the request. */
  senderHeldLease: boolean;
  /** Rotation count of the refresh token in the store when the request was sent. */
  storedGeneration: number;
  /** Saves the store had refused so far. */
  saveFailuresBefore: number;
  /** Order among the model's events. */
  seq: number;
  /** The refresh token the server issued in answer, if it did. */
  issued?: string;
  /** What the server did: issued a new pair, refused (spent/revoked/unknown), or answered 503 unprocessed. */
  outcome: 'issued' | 'invalid_grant' | 'reuse_detected' | 'unavailable';
  /** The response reached the engine (false: it came after the client's timeout, so the client never learned it). */
  delivered: boolean;
}

/**
 * A token endpoint that rotates refresh tokens. `strict` (OAuth 2.1 / RFC 9700 reuse detection):
 * every refresh token is single-use; presenting a spent one is invalid_grant and revokes its whole
 * family. `lenient` (servers with a reuse grace period): a spent token is accepted again and starts
 * another branch, so a stale token can come back with a new pair, and an old save can land late.
 */
export class RotatingEndpoint {
  readonly requests: ModelRequest[] = [];
  readonly #tokens = new Map<string, { family: number; generation: number; spent: boolean }>();
  readonly #revoked = new Set<number>();
  #issued = 0;

  constructor(
    readonly accessLifetimeSeconds: number,
    readonly reuse: 'strict' | 'lenient' = 'strict',
  ) {}

  /** Registers a refresh token the model starts with. */
  seed(refreshToken: string, family: number): void {
    this.#tokens.set(refreshToken, { family, generation: 0, spent: false });
  }

  /** Rotation count of a refresh token (0 for the seed); -1 if the server never issued it. */
  generation(refreshToken: string | undefined): number {
    return refreshToken === undefined ? -1 : (this.#tokens.get(refreshToken)?.generation ?? -1);
  }

  get familiesRevoked(): number {
    return this.#revoked.size;
  }

  /** Processes a refresh at once (the server commits before its answer travels back). */
  process(refreshToken: string): { outcome: ModelRequest['outcome']; body: Record<string, unknown> } {
    const entry = this.#tokens.get(refreshToken);
    if (!entry || this.#revoked.has(entry.family)) return { outcome: 'invalid_grant', body: { error: 'invalid_grant' } };
    if (entry.spent && this.reuse === 'strict') {
      this.#revoked.add(entry.family);
      return { outcome: 'reuse_detected', body: { error: 'invalid_grant', error_description: 'refresh token reuse detected; grant revoked' } };
    }
    entry.spent = true;
    const n = ++this.#issued;
    const next = `rt-g${entry.generation + 1}-n${n}-model-refresh`;
    this.#tokens.set(next, { family: entry.family, generation: entry.generation + 1, spent: false });
    return { outcome: 'issued', body: { access_token: `at-n${n}-model-access`, refresh_token: next, token_type: 'Bearer', expires_in: this.accessLifetimeSeconds } };
  }
}

/** Orders the model's events (fake time alone has ties). */
export class EventCounter {
  #n = 0;
  next(): number {
    return ++this.#n;
  }
}

/** Which process holds the (one) token's lease, as the shared MemoryLock sees it, and when leases lapsed. */
export class LeaseShadow {
  #holder: { owner: string; process: number; expiresAt: number } | undefined;
  /** A lease that expired while its holder was still working and was taken by another flight. */
  readonly lapses: { process: number; seq: number }[] = [];

  constructor(readonly events: EventCounter) {}

  acquired(owner: string, process: number, ttlMs: number): void {
    const previous = this.#holder;
    if (previous && previous.owner !== owner) this.lapses.push({ process: previous.process, seq: this.events.next() });
    this.#holder = { owner, process, expiresAt: Date.now() + ttlMs };
  }

  released(owner: string): void {
    if (this.#holder?.owner === owner) this.#holder = undefined;
  }

  heldBy(process: number): boolean {
    const holder = this.#holder;
    return holder !== undefined && holder.process === process && holder.expiresAt > Date.now();
  }
}

/** Faults drawn by fast-check, consumed in order; false once a list is used up. */
export class FaultPlan {
  #saves: boolean[];
  #fetches: boolean[];

  constructor(saveFailures: boolean[], fetchFailures: boolean[]) {
    this.#saves = [...saveFailures];
    this.#fetches = [...fetchFailures];
  }

  nextSaveFails(): boolean {
    return this.#saves.shift() ?? false;
  }

  nextFetchFails(): boolean {
    return this.#fetches.shift() ?? false;
  }
}

/** What the store saw: acknowledged saves, and any save that put an older token over a newer one. */
export class StoreLedger {
  readonly acknowledged: { generation: number; process: number; refreshToken: string | undefined; seq: number }[] = [];
  readonly regressions: { from: number; to: number; process: number }[] = [];
  saveFailures = 0;
  /** The longest any one store, lease or endpoint call waited (fake ms): a stall when over the lease's renewal period. */
  slowestCallMs = 0;

  timed(startedAt: number): void {
    this.slowestCallMs = Math.max(this.slowestCallMs, Date.now() - startedAt);
  }
}

export interface ProcessWorld {
  scheduler: Scheduler;
  shared: MemoryStore;
  endpoint: RotatingEndpoint;
  lease: LeaseShadow;
  faults: FaultPlan;
  ledger: StoreLedger;
  timeoutMs: number;
}

/**
 * One process's view of the shared store: every read, write and lease operation waits for the
 * scheduler before it happens; a save also waits before it is acknowledged (it landed, the answer is
 * slow). `live` is off while the Initializer loads, so setup needs no scheduling.
 */
export function processStore(world: ProcessWorld, process: number): TokenStore & { live: boolean } {
  const { scheduler, shared, endpoint, lease, faults, ledger } = world;
  const gate = async (label: string) => {
    if (!view.live) return;
    const startedAt = Date.now();
    await scheduler.schedule(Promise.resolve(), `p${process} ${label}`);
    ledger.timed(startedAt);
  };
  const lock = shared.lock as RefreshLock;
  const view: TokenStore & { live: boolean } = {
    live: false,
    async findToken(token: OAuthToken) {
      await gate('findToken');
      return shared.findToken(token);
    },
    async findTokenById(id: string) {
      await gate('findTokenById');
      return shared.findTokenById(id);
    },
    async saveToken(token: OAuthToken) {
      await gate('saveToken');
      if (view.live && faults.nextSaveFails()) {
        ledger.saveFailures++;
        throw new TokenStoreError('STORE_UNAVAILABLE', 'model: save refused');
      }
      const current = token.id ? await shared.findTokenById(token.id) : null;
      const from = endpoint.generation(current?.refreshToken);
      const to = endpoint.generation(token.refreshToken);
      if (current && to < from) ledger.regressions.push({ from, to, process });
      const saved = await shared.saveToken(token);
      await gate('saveToken ack');
      ledger.acknowledged.push({ generation: to, process, refreshToken: token.refreshToken, seq: lease.events.next() });
      return saved;
    },
    async deleteToken(id: string) {
      await gate('deleteToken');
      return shared.deleteToken(id);
    },
    async getTokens() {
      await gate('getTokens');
      return shared.getTokens();
    },
    async deleteTokens() {
      await gate('deleteTokens');
      return shared.deleteTokens();
    },
    lock: {
      async acquire(key: string, owner: string, ttlMs: number) {
        await gate('lease acquire');
        const held = await lock.acquire(key, owner, ttlMs);
        if (held) lease.acquired(owner, process, ttlMs);
        return held;
      },
      async release(key: string, owner: string) {
        await gate('lease release');
        await lock.release(key, owner);
        lease.released(owner);
      },
    },
  };
  return view;
}

/**
 * One process's fetch: the endpoint processes the request when it arrives and its answer travels back
 * when the scheduler says; an answer later than `timeoutMs` (fake time) is lost to the client, as a
 * real fetch would have been aborted by then.
 */
export function processFetch(world: ProcessWorld, process: number, tokenId: string): FetchLike {
  const { scheduler, endpoint, lease, faults, timeoutMs, shared, ledger } = world;
  return async (_input, init) => {
    const form = new URLSearchParams(typeof init?.body === 'string' ? init.body : '');
    const refreshToken = form.get('refresh_token') ?? '';
    const sentAt = Date.now();
    const storedGeneration = endpoint.generation((await shared.findTokenById(tokenId))?.refreshToken);
    const request: ModelRequest = {
      process,
      refreshToken,
      sentAt,
      senderHeldLease: lease.heldBy(process),
      storedGeneration,
      saveFailuresBefore: ledger.saveFailures,
      seq: lease.events.next(),
      outcome: 'unavailable',
      delivered: false,
    };
    endpoint.requests.push(request);
    let status = 503;
    let body: Record<string, unknown> = { error: 'temporarily_unavailable' };
    if (!faults.nextFetchFails()) {
      const result = endpoint.process(refreshToken);
      request.outcome = result.outcome;
      if (typeof result.body.refresh_token === 'string') request.issued = result.body.refresh_token;
      status = result.outcome === 'issued' ? 200 : 400;
      body = result.body;
    }
    await scheduler.schedule(Promise.resolve(), `p${process} token response (${request.outcome})`);
    ledger.timed(sentAt);
    if (Date.now() - sentAt > timeoutMs) throw new DOMException('model: the answer came after the timeout', 'TimeoutError');
    request.delivered = true;
    return new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });
  };
}

/** Lets promise chains and real I/O callbacks run (setImmediate is not faked). */
export function settle(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

/**
 * Runs scheduled tasks one at a time, and when none is waiting, moves the fake clock to the next
 * timer (a backoff, a lease poll). Returns false when the system is still busy after `maxSteps`.
 */
export async function runToIdle(scheduler: Scheduler, maxSteps: number): Promise<boolean> {
  for (let step = 0; step < maxSteps; step++) {
    await settle();
    if (scheduler.count() > 0) await scheduler.waitNext(1);
    else if (vi.getTimerCount() > 0) await vi.advanceTimersToNextTimerAsync();
    else {
      await settle();
      if (scheduler.count() === 0 && vi.getTimerCount() === 0) return true;
    }
  }
  return false;
}
