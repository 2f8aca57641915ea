import { describe, expect, it } from 'vitest';
import { EncryptedStore, FORMAT_PREFIX, Initializer, MemoryStore, OAuthToken, keyStatus, rotateKeys, tokenKey, type RotationProgress } from '../src/index.js';
import { DirectStore, fullToken, newKey, secretsOf } from './helpers/encryption.js';
import { grantToken, serveDuringTests } from './helpers/oauth.js';
import type { Environment } from '../src/index.js';
import type { OAuthTestServer } from './helpers/oauth.js';

const k1 = newKey('k1');
const k2 = newKey('k2');

/** Three records under k1, two written before encryption was enabled. */
async function mixedStore() {
  const inner = new DirectStore();
  const legacy = [await inner.saveToken(fullToken('p1')), await inner.saveToken(fullToken('p2'))];
  const v1 = new EncryptedStore(inner, { keys: [k1] });
  const encrypted = [await v1.saveToken(fullToken('a')), await v1.saveToken(fullToken('b')), await v1.saveToken(fullToken('c'))];
  const store = new EncryptedStore(inner, { keys: [k2, k1] });
  return { inner, store, all: [...legacy, ...encrypted] };
}

describe('keyStatus', () => {
  it('counts records per key and plaintext ones, so a key still in use is seen before it is removed', async () => {
    const { store, inner } = await mixedStore();
    expect(await keyStatus(store)).toEqual({ total: 5, currentKeyId: 'k2', byKey: { k2: 0, k1: 3 }, plaintext: 2, unsealed: 0, unknownKeyIds: [], removableKeyIds: [], notCurrent: 5 });
    const withoutK1 = new EncryptedStore(inner, { keys: [k2] });
    const status = await keyStatus(withoutK1);
    expect(status.unknownKeyIds).toEqual(['k1']);
    // Removing k1 too early makes its records unreadable, with a coded error rather than a wrong value.
    await expect(withoutK1.getTokens()).rejects.toMatchObject({ code: 'UNKNOWN_KEY' });
  });
});

describe('rotateKeys', () => {
  it('re-encrypts every record not under the current key, reports progress, and frees the old key', async () => {
    const { store, inner, all } = await mixedStore();
    const progress: RotationProgress[] = [];
    const result = await rotateKeys(store, { onProgress: (p) => void progress.push(p) });
    expect(result).toEqual({ done: 5, total: 5, reencrypted: 5, failed: [] });
    expect(progress.map((p) => p.done)).toEqual([1, 2, 3, 4, 5]);
    expect(progress.at(-1)).toEqual({ done: 5, total: 5, reencrypted: 5 });
    expect(await keyStatus(store)).toMatchObject({ byKey: { k2: 5, k1: 0 }, plaintext: 0, removableKeyIds: ['k1'], notCurrent: 0 });
    for (const record of inner.records.values()) expect(record.refreshToken?.startsWith(`${FORMAT_PREFIX}k2:`)).toBe(true);
    // After removing k1, everything still reads back exactly, plaintext is no longer needed.
    const onlyK2 = new EncryptedStore(inner, { keys: [k2], acceptPlaintext: false });
    const byId = new Map((await onlyK2.getTokens()).map((t) => [t.id, t.toRecord()]));
    for (const token of all) expect(byId.get(token.id)).toEqual(token.toRecord());
    const dump = inner.dump();
    for (const secret of all.flatMap(secretsOf)) expect(dump).not.toContain(secret);
  });

  it('is idempotent and resumes after a crash: a second run finishes what the first left', async () => {
    const { store } = await mixedStore();
    const crash = new Error('process killed');
    await expect(
      rotateKeys(store, {
        onProgress: (p) => {
          if (p.done === 2) throw crash;
        },
      }),
    ).rejects.toBe(crash);
    expect((await keyStatus(store)).notCurrent).toBe(3);
    const resumed = await rotateKeys(store);
    expect(resumed).toMatchObject({ total: 5, reencrypted: 3, failed: [] });
    expect(await rotateKeys(store)).toMatchObject({ total: 5, reencrypted: 0, failed: [] });
  });

  it('reports a record it cannot decrypt (by id and code, no secret) and goes on with the others', async () => {
    const { store, inner, all } = await mixedStore();
    const victim = all[3]!;
    inner.records.get(victim.id as string)!.scope = 'tampered';
    const result = await rotateKeys(store);
    expect(result.failed).toEqual([{ id: victim.id, code: 'DECRYPTION_FAILED' }]);
    expect(result.reencrypted).toBe(4);
    expect((await keyStatus(store)).byKey.k1).toBe(1);
  });

  it("waits for a record's refresh lease (the engine's key) and re-reads under it, so a refresh made meanwhile is kept", async () => {
    const { store, inner, all } = await mixedStore();
    const target = all[2]!;
    const lock = store.lock!;
    const leaseKey = `tokenstore:refresh:${tokenKey(target)}`;
    expect(await lock.acquire(leaseKey, 'refresher', 10_000)).toBe(true);
    const rotation = rotateKeys(store, { pollMs: 5 });
    await new Promise((resolve) => setTimeout(resolve, 20));
    // The two before it are done; the rotation waits at this one (records go one at a time), it has
    // not read it, let alone written it.
    expect(inner.records.get(target.id as string)?.refreshToken?.startsWith(`${FORMAT_PREFIX}k1:`)).toBe(true);
    expect((await keyStatus(store)).notCurrent).toBe(3);
    // The "refresher" saves a rotated refresh token while it holds the lease, then releases it.
    const refreshed = (await store.findTokenById(target.id as string))!.with({ refreshToken: 'rotated-refresh', accessToken: 'fresh-access' });
    await store.saveToken(refreshed);
    await lock.release(leaseKey, 'refresher');
    expect(await rotation).toMatchObject({ reencrypted: 4, failed: [] });
    expect((await store.findTokenById(target.id as string))?.refreshToken).toBe('rotated-refresh');
    expect((await keyStatus(store)).notCurrent).toBe(0);
  });

  it('gives up on a lease held past lockWaitMs with ROTATION_LOCK_TIMEOUT for that record only', async () => {
    const { store, all } = await mixedStore();
    await store.lock!.acquire(`tokenstore:refresh:${tokenKey(all[0]!)}`, 'stuck', 60_000);
    const result = await rotateKeys(store, { lockWaitMs: 20, pollMs: 5 });
    expect(result.failed).toEqual([{ id: all[0]!.id, code: 'ROTATION_LOCK_TIMEOUT' }]);
    expect(result.reencrypted).toBe(4);
  });
});

describe('rotateKeys while the refresh engine keeps refreshing (real oidc-provider, rotating refresh tokens)', () => {
  let server!: OAuthTestServer;
  let environment!: Environment;
  serveDuringTests({ rotateRefreshTokens: true, accessTokenTtlSeconds: 3600 }, (started) => ({ server, environment } = started));

  it('loses no rotated refresh token: every record ends under the new key and still refreshes', async () => {
    const memory = new MemoryStore();
    const users = ['u1', 'u2', 'u3', 'u4', 'u5', 'u6'];
    const before = new EncryptedStore(memory, { keys: [k1] });
    for (const user of users) {
      const sdk = await Initializer.initialize({ environment, store: before, token: await grantToken(server, user) });
      await sdk.getAccessToken();
      await sdk.close();
    }
    // The new ring is deployed to the app first, then the rotation runs while the app refreshes.
    const store = new EncryptedStore(memory, { keys: [k2, k1] });
    let offset = 0;
    const now = () => Date.now() + offset;
    const sdks = await Promise.all(users.map((user) => Initializer.initialize({ environment, store, now, token: { userSignature: { name: user } } })));
    let rotating = true;
    const refreshing = (async () => {
      let rounds = 0;
      while (rotating || rounds < users.length) {
        offset += 2 * 3600_000; // every token is expired again: the next call refreshes
        // One user per round, as apps refresh (an hour apart, not back to back), so the rotation
        // meets records both being refreshed and idle.
        await sdks[rounds % users.length]!.getAccessToken();
        await new Promise((resolve) => setTimeout(resolve, 3));
        rounds++;
      }
      return rounds;
    })();
    const rotations = [await rotateKeys(store, { pollMs: 2 }), await rotateKeys(store, { pollMs: 2 })];
    rotating = false;
    const rounds = await refreshing;
    expect(rounds).toBeGreaterThanOrEqual(users.length);
    expect(rotations[0]!.failed).toEqual([]);
    expect(rotations[0]!.reencrypted).toBeGreaterThan(0);
    const status = await keyStatus(store);
    expect(status).toMatchObject({ total: users.length, notCurrent: 0, removableKeyIds: ['k1'] });
    // The stored refresh token is each engine's latest: a fresh app with only k2 refreshes with it.
    const onlyK2 = new EncryptedStore(memory, { keys: [k2], acceptPlaintext: false });
    for (const [i, user] of users.entries()) {
      expect((await onlyK2.findToken(new OAuthToken({ userSignature: { name: user } })))?.refreshToken).toBe(sdks[i]!.token.refreshToken);
      const fresh = await Initializer.initialize({ environment, store: onlyK2, now: () => Date.now() + offset + 2 * 3600_000, token: { userSignature: { name: user } } });
      await expect(fresh.getAccessToken()).resolves.toEqual(expect.any(String));
      await fresh.close();
    }
    await Promise.all(sdks.map((sdk) => sdk.close()));
  }, 30_000);
});
