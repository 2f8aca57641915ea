/**
 * A TokenStore wrapper that counts every call (the six methods, close, and the lock's acquire and
 * release; an acquireAndFind counts as one acquire and one findTokenById). The hot-path measure uses it to prove "no store I/O" by counting, not by speed.
 */
import type { RefreshLock, TokenStore } from '@tokenstore/core';

export interface CallCounts {
  findToken: number;
  findTokenById: number;
  saveToken: number;
  deleteToken: number;
  getTokens: number;
  deleteTokens: number;
  lockAcquire: number;
  lockRelease: number;
}

export const zeroCalls = (): CallCounts => ({ findToken: 0, findTokenById: 0, saveToken: 0, deleteToken: 0, getTokens: 0, deleteTokens: 0, lockAcquire: 0, lockRelease: 0 });
export const totalCalls = (c: CallCounts): number => Object.values(c).reduce((a, b) => a + b, 0);

export function countingStore(inner: TokenStore, options: { withLock?: boolean } = {}): { store: TokenStore; calls: CallCounts; reset(): void } {
  const calls = zeroCalls();
  const innerLock = inner.lock;
  const lock: RefreshLock | undefined =
    innerLock && options.withLock !== false
      ? {
          acquire: (key, owner, ttl) => {
            calls.lockAcquire++;
            return innerLock.acquire(key, owner, ttl);
          },
          release: (key, owner) => {
            calls.lockRelease++;
            return innerLock.release(key, owner);
          },
          // Passed on when the store has it, so the engine takes the same path as on the bare store.
          ...(innerLock.acquireAndFind && {
            acquireAndFind: (key: string, owner: string, ttl: number, id: string) => {
              calls.lockAcquire++;
              calls.findTokenById++;
              return innerLock.acquireAndFind!(key, owner, ttl, id); // as a method: a lock class keeps its `this`
            },
          }),
        }
      : undefined;
  const store: TokenStore = {
    findToken: (t) => (calls.findToken++, inner.findToken(t)),
    findTokenById: (id) => (calls.findTokenById++, inner.findTokenById(id)),
    saveToken: (t) => (calls.saveToken++, inner.saveToken(t)),
    deleteToken: (id) => (calls.deleteToken++, inner.deleteToken(id)),
    getTokens: () => (calls.getTokens++, inner.getTokens()),
    deleteTokens: () => (calls.deleteTokens++, inner.deleteTokens()),
    close: () => inner.close?.() ?? Promise.resolve(),
    ...(lock ? { lock } : {}),
  };
  return { store, calls, reset: () => Object.assign(calls, zeroCalls()) };
}

/** The same store without its `lock`: the engine then refreshes without a cross-process lease. */
export function withoutLock(inner: TokenStore): TokenStore {
  return countingStore(inner, { withLock: false }).store;
}
