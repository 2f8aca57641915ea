/**
 * The refresh lease fences: a live holder keeps it by renewing (heartbeat), a holder that lost it
 * (stalled past its ttl) never sends another token request and never replaces a newer stored token,
 * and a successor that took over from a stalled holder does not declare a healthy grant dead.
 * Two Initializers with separate single-flight registries stand for two processes on one store; the
 * stalled holder is a lock wrapper whose renewals hang (a fault a real store cannot produce on demand).
 */
import { describe, expect, it } from 'vitest';
import { Initializer, MemoryStore, OAuthToken, customEnvironment, isTokenStoreError, tokenKey, type RefreshOptions } from '../src/index.js';
import { StallableLock, delegatingStore, gate, rotatingEndpoint, until, type RotatingEndpoint } from './helpers/lease-faults.js';

const environment = customEnvironment({ tokenEndpoint: 'https://auth.example.test/token', apiUrl: 'https://api.example.test' });
// The lease lapses 150 ms after the holder's last renewal: short, so a stall is quick to stage.
const LEASE: RefreshOptions = { backoffMs: 1, maxBackoffMs: 20, timeoutMs: 100, lockTtlMs: 150, lockPollMs: 5, lockWaitMs: 3000 };

/** One expired token (r0) in a MemoryStore; `a` sees the store through a stallable lock, `b` directly. */
async function twoProcesses(endpoint: RotatingEndpoint, refresh: RefreshOptions = {}) {
  const memory = new MemoryStore();
  const stored = await memory.saveToken(
    new OAuthToken({ userSignature: { name: 'u@example.test' }, clientId: 'cid', clientSecret: 'csecret', refreshToken: 'r0', accessToken: 'a0', expiresAt: Date.now() - 1000 }),
  );
  const id = stored.id as string;
  const lockA = new StallableLock(memory.lock!);
  const options = { environment, fetch: endpoint.fetch, token: { id }, refresh: { ...LEASE, ...refresh } };
  const a = await Initializer.initialize({ ...options, store: delegatingStore(memory, { lock: lockA }) });
  const b = await Initializer.initialize({ ...options, store: memory });
  return { memory, id, lockA, a, b };
}

const codeOf = (error: unknown) => (isTokenStoreError(error) ? error.code : `uncoded ${String(error)}`);

describe('a holder whose lease renewals stall (stopped process)', () => {
  it('the successor gets REFRESH_CONFLICT, not REAUTHORIZATION_REQUIRED; the holder saves its token; the next call adopts it', async () => {
    const endpoint = rotatingEndpoint();
    const { memory, id, lockA, a, b } = await twoProcesses(endpoint);
    lockA.stall();
    const answerA = gate();
    endpoint.holdNext(answerA.promise); // the server rotated r0 -> r1 for a; the answer is on its way
    const callA = a.getAccessToken().catch((e: unknown) => e);
    await until(() => endpoint.presented.length === 1);

    // b waits out a's lease, refreshes with r0 (spent) and gets invalid_grant while the store still shows r0.
    const firstB = await b.getAccessToken().catch((e: unknown) => e);
    expect(codeOf(firstB)).toBe('REFRESH_CONFLICT');

    lockA.unstall();
    answerA.open();
    expect(await callA).toBe('a1');
    expect((await memory.findTokenById(id))?.refreshToken).toBe('r1');
    expect(await b.getAccessToken()).toBe('a1');
    expect(endpoint.presented).toEqual(['r0', 'r0']);
  });

  it('with nobody else involved, the same invalid_grant is then the definitive REAUTHORIZATION_REQUIRED', async () => {
    const endpoint = rotatingEndpoint({ first: 'r-other' }); // r0 is dead at the server
    const { lockA, a, b } = await twoProcesses(endpoint);
    expect(await lockA.acquire(`tokenstore:refresh:${tokenKey(a.token)}`, 'stalled-elsewhere', 50)).toBe(true);
    // b had to wait for a lease someone else held: a conflict first, not a verdict on the grant...
    expect(codeOf(await b.getAccessToken().catch((e: unknown) => e))).toBe('REFRESH_CONFLICT');
    // ...and the next call, which takes the lease at once, gets the definitive answer.
    expect(codeOf(await b.getAccessToken().catch((e: unknown) => e))).toBe('REAUTHORIZATION_REQUIRED');
    expect(endpoint.presented).toEqual(['r0', 'r0']);
  });

  it('after losing the lease in a backoff, it sends no other request and adopts what the successor saved', async () => {
    const endpoint = rotatingEndpoint({ reuseDetection: true });
    // a's backoff (200-400 ms) outlasts its lease (60 ms) and b's takeover.
    const { memory, id, lockA, a, b } = await twoProcesses(endpoint, { lockTtlMs: 60, timeoutMs: 50, backoffMs: 400, maxBackoffMs: 800 });
    lockA.stall();
    endpoint.failNext(503);
    const callA = a.getAccessToken().catch((e: unknown) => e);
    await until(() => endpoint.presented.length === 1);
    expect(await b.getAccessToken()).toBe('a1');
    lockA.unstall();
    expect(await callA).toBe('a1');
    expect(endpoint.presented).toEqual(['r0', 'r0']);
    expect(endpoint.revoked).toBe(false);
    expect((await memory.findTokenById(id))?.refreshToken).toBe('r1');
  });

  it('after losing the lease to a successor still refreshing, it throws REFRESH_LEASE_LOST without a request', async () => {
    const endpoint = rotatingEndpoint({ reuseDetection: true });
    const { lockA, a, b } = await twoProcesses(endpoint);
    lockA.stall();
    endpoint.failNext(503);
    const callA = a.getAccessToken().catch((e: unknown) => e);
    await until(() => endpoint.presented.length === 1);
    const answerB = gate();
    endpoint.holdNext(answerB.promise);
    const callB = b.getAccessToken();
    await until(() => endpoint.presented.length === 2);
    lockA.unstall();
    expect(codeOf(await callA)).toBe('REFRESH_LEASE_LOST');
    answerB.open();
    expect(await callB).toBe('a1');
    expect(await a.getAccessToken()).toBe('a1');
    expect(endpoint.presented).toEqual(['r0', 'r0']);
    expect(endpoint.revoked).toBe(false);
  });

  it('never replaces a newer token in the store with its older one (server honours a reused refresh token once)', async () => {
    const endpoint = rotatingEndpoint({ graceReuses: 1 });
    const { memory, id, lockA, a, b } = await twoProcesses(endpoint);
    lockA.stall();
    const answerA = gate();
    endpoint.holdNext(answerA.promise); // a gets r1/a1, late
    const callA = a.getAccessToken();
    await until(() => endpoint.presented.length === 1);
    expect(await b.getAccessToken()).toBe('a2'); // b took over, got r2/a2 and saved it
    lockA.unstall();
    answerA.open();
    expect(await callA).toBe('a2');
    const stored = await memory.findTokenById(id);
    expect(stored).toMatchObject({ refreshToken: 'r2', accessToken: 'a2' });
  });
});

describe('heartbeat', () => {
  it('renews the lease every lockTtlMs/3 while held, and stops once released', async () => {
    const endpoint = rotatingEndpoint();
    const { lockA, a } = await twoProcesses(endpoint, { lockTtlMs: 90, timeoutMs: 60 });
    const answer = gate();
    endpoint.holdNext(answer.promise);
    const call = a.getAccessToken();
    await until(() => lockA.renewals >= 3);
    answer.open();
    expect(await call).toBe('a1');
    const after = lockA.renewals;
    await new Promise((resolve) => setTimeout(resolve, 45)); // one and a half renewal periods (30 ms)
    expect(lockA.renewals).toBe(after);
  });
});

describe('events', () => {
  it('tokenRefreshed is emitted after the token is saved and the lease released', async () => {
    const endpoint = rotatingEndpoint();
    const { memory, id, a } = await twoProcesses(endpoint);
    const seen: { leaseFree: boolean; stored: string | undefined }[] = [];
    a.on('tokenRefreshed', async () => {
      const leaseFree = await memory.lock!.acquire(`tokenstore:refresh:${tokenKey(a.token)}`, 'listener', 10);
      seen.push({ leaseFree, stored: (await memory.findTokenById(id))?.accessToken });
    });
    expect(await a.getAccessToken()).toBe('a1');
    await until(() => seen.length === 1);
    expect(seen).toEqual([{ leaseFree: true, stored: 'a1' }]);
  });
});
