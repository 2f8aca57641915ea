import type { RefreshLock } from '@tokenstore/core';
import type { CaseContext } from '../conformance-case.js';

export const LONG_TTL = 60_000;
/** Short enough to wait for, long enough that a slow store answers well within it. */
export const SHORT_TTL = 400;
export const EXPIRY_MARGIN = 300;

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
