import type { RefreshLock } from '@tokenstore/core';
import type { CaseContext } from '../conformance-case.js';

export const LONG_TTL = 60_000;
/** Short enough to wait for, long enough that a slow store answers well within it. */
export const SHORT_TTL = 400;
export const EXPIRY_MARGIN = 300;

/**
 * The short ttl of the time-based lock tests for this store: SHORT_TTL rounded up to the store's declared
 * lease granularity (options.leaseGranularityMs; whole-second leases make it 1000), so a lease the store
 * rounds up is still judged by the ttl it really got.
 */
export function shortTtl(t: CaseContext): number {
  const g = t.leaseGranularityMs;
  return g > 0 ? Math.ceil(SHORT_TTL / g) * g : SHORT_TTL;
}

/** How long after a lease's ttl the tests wait before expecting it gone: the margin plus one granule. */
export function expiryMargin(t: CaseContext): number {
  return EXPIRY_MARGIN + t.leaseGranularityMs;
}

export function lockOf(t: CaseContext): RefreshLock {
  return t.store.lock as RefreshLock;
}

/** The lock of a second instance (openPeer), or of the same store when there is none. */
export async function peerLock(t: CaseContext): Promise<RefreshLock> {
  const peer = await t.peer();
  t.expect(peer.lock, 'the peer instance (openPeer) has no lock').toBeTruthy();
  return peer.lock as RefreshLock;
}

export const key = (t: CaseContext, name = 'k') => `conformance:${t.uid}:${name}`;
export const owner = (t: CaseContext, name: string) => `owner-${name}-${t.uid}`;
