/**
 * The kit's side of acquireAndFind: a backend lock's `acquireAndFindRecord` becomes the store lock's
 * `acquireAndFind`, with the same argument rules as `acquire` and `findTokenById`, the record turned
 * into a token as `findTokenById` turns it, and no `acquireAndFind` at all for a backend without it.
 */
import { describe, expect, it } from 'vitest';
import { leaseTtl } from '../src/lease-ttl.js';
import { MemoryLock } from '../src/memory-lock.js';
import { RecordTokenStore, type RecordLock, type TokenRecord } from '../src/store-kit.js';
import { EncryptedStore } from '../src/encryption/index.js';
import { fullToken, newKey } from './helpers/encryption.js';
import { MapBackend } from './helpers/map-backend.js';

const RECORD = { id: 'r1', userName: 'alice', clientId: 'c', clientSecret: null, grantToken: null, refreshToken: 'refresh-value', accessToken: null, redirectUrl: null, expiresAt: null, apiDomain: null, tokenType: null, scope: null } satisfies TokenRecord;

class LockedBackend extends MapBackend {
  readonly calls: string[] = [];
  readonly lock: RecordLock;

  constructor(withRead: boolean, corrupt = false) {
    super();
    const memory = new MemoryLock();
    this.lock = {
      acquire: (key, owner, ttl) => (this.calls.push('acquire'), memory.acquire(key, owner, ttl)),
      release: (key, owner) => memory.release(key, owner),
      ...(withRead && {
        acquireAndFindRecord: async (key: string, owner: string, ttl: number, id: string) => {
          this.calls.push(`acquireAndFindRecord ${ttl}`);
          const record = this.records.get(id);
          return { acquired: await memory.acquire(key, owner, ttl), record: record && (corrupt ? ({ ...record, expiresAt: 'soon' } as unknown as TokenRecord) : { ...record }) };
        },
      }),
    };
  }

  async insert(record: TokenRecord): Promise<void> {
    this.records.set(record.id as string, { ...record });
  }

  async replace(): Promise<boolean> {
    return false;
  }
}

describe('RecordTokenStore lock.acquireAndFind', () => {
  it('is offered only when the backend lock has acquireAndFindRecord', () => {
    expect(new RecordTokenStore(new LockedBackend(false)).lock?.acquireAndFind).toBeUndefined();
    expect(new RecordTokenStore(new LockedBackend(true)).lock?.acquireAndFind).toBeTypeOf('function');
  });

  it('answers the acquire and the token findTokenById would give; the ttl goes through the kit rule', async () => {
    const backend = new LockedBackend(true);
    backend.records.set('r1', RECORD);
    const store = new RecordTokenStore(backend);
    const answer = await store.lock!.acquireAndFind!('k', 'o', 1500.4, 'r1');
    expect(answer.acquired).toBe(true);
    expect(answer.token?.toRecord()).toEqual((await store.findTokenById('r1'))?.toRecord());
    expect(backend.calls).toEqual([`acquireAndFindRecord ${leaseTtl(1500.4)}`]); // as acquire gets it
    expect(await store.lock!.acquireAndFind!('k', 'other', 1000, 'missing')).toEqual({ acquired: false, token: null });
  });

  it('an empty id names no record: a plain acquire, token null', async () => {
    const backend = new LockedBackend(true);
    const store = new RecordTokenStore(backend);
    expect(await store.lock!.acquireAndFind!('k', 'o', 1000, '')).toEqual({ acquired: true, token: null });
    expect(backend.calls).toEqual(['acquire']);
  });

  it('bad arguments are INVALID_ARGUMENT before the backend is asked', async () => {
    const backend = new LockedBackend(true);
    const store = new RecordTokenStore(backend);
    const find = store.lock!.acquireAndFind!;
    for (const args of [['', 'o', 1000, 'r1'], ['k', '', 1000, 'r1'], ['k', 'o', 0, 'r1'], ['k', 'o', 1000, 'r\uD800'], ['k', 'o', 1000, 42]] as const) {
      await expect(find(...(args as unknown as [string, string, number, string]))).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
    }
    expect(backend.calls).toEqual([]);
  });

  it('a stored record that cannot be read fails as findTokenById fails on it', async () => {
    const backend = new LockedBackend(true, true);
    backend.records.set('r1', { ...RECORD, expiresAt: 'soon' } as unknown as TokenRecord);
    const store = new RecordTokenStore(backend);
    const byId = await store.findTokenById('r1').then(() => 'read', (error: { code?: string }) => error.code);
    expect(byId).toMatch(/^[A-Z_]+$/);
    await expect(store.lock!.acquireAndFind!('k', 'o', 1000, 'r1')).rejects.toMatchObject({ code: byId });
  });

  it('after close, STORE_CLOSED like every operation', async () => {
    const store = new RecordTokenStore(new LockedBackend(true));
    await store.close();
    await expect(store.lock!.acquireAndFind!('k', 'o', 1000, 'r1')).rejects.toMatchObject({ code: 'STORE_CLOSED' });
  });
});

describe('EncryptedStore over a lock with acquireAndFind', () => {
  it('answers the token decrypted, as its findTokenById does (never the ciphertext)', async () => {
    const backend = new LockedBackend(true);
    const store = new EncryptedStore(new RecordTokenStore(backend), { keys: [newKey('k1')] });
    const saved = await store.saveToken(fullToken('alice@example.com'));
    const answer = await store.lock!.acquireAndFind!('k', 'o', 1000, saved.id as string);
    expect(answer.acquired).toBe(true);
    expect(answer.token?.refreshToken).toBe(fullToken('alice@example.com').refreshToken);
    expect(answer.token?.toRecord()).toEqual((await store.findTokenById(saved.id as string))?.toRecord());
    expect(store.lock).toBe(store.lock); // one wrapper, not a new one per access
  });

  it('a lock without acquireAndFind is passed through as it is', () => {
    const inner = new RecordTokenStore(new LockedBackend(false));
    expect(new EncryptedStore(inner, { keys: [newKey('k1')] }).lock).toBe(inner.lock);
  });
});
