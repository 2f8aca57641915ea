/**
 * A state is accepted by one callback only. With the store's RefreshLock (every store here has one)
 * the state's key is leased for the pending authorization's remaining life and never released, so a
 * replay is refused in every process sharing the store; without one, a per-store in-process record does
 * the same within the process. The key is a hash of the state, never the state.
 */
import { randomUUID } from 'node:crypto';
import type { TokenStore } from '../token-store.js';
import { stateKey } from './state.js';

const local = new WeakMap<TokenStore, Map<string, number>>();

/** True the first time `state` is claimed (until `expiresAt`), false for every later claim. */
export async function claimState(store: TokenStore, state: string, ttlMs: number, now: number): Promise<boolean> {
  const key = `tokenstore:authorization:state:${stateKey(state)}`;
  if (store.lock) return store.lock.acquire(key, randomUUID(), Math.max(1, ttlMs));
  let claimed = local.get(store);
  if (!claimed) local.set(store, (claimed = new Map()));
  for (const [k, expiry] of claimed) if (expiry <= now) claimed.delete(k);
  if (claimed.has(key)) return false;
  claimed.set(key, now + ttlMs);
  return true;
}
