/**
 * The kit's side of saveAndRelease: a backend lock's `replaceAndRelease` (the fast-path save and the
 * release in one step) becomes the store lock's `saveAndRelease`, used only where saveToken would take
 * its fast path; otherwise the ordinary save, with `released: false` (the caller releases). EncryptedStore
 * never hands it out (the inner one would write the token unencrypted).
 */
import { describe, expect, it } from 'vitest';
import { EncryptedStore } from '../src/encryption/index.js';
import { MemoryLock } from '../src/memory-lock.js';
import { OAuthToken, RecordTokenStore, TokenStoreError, type RecordLock, type TokenRecord } from '../src/store-kit.js';
import { newKey } from './helpers/encryption.js';
import { MapBackend } from './helpers/map-backend.js';

class FastBackend extends MapBackend {
  readonly calls: string[] = [];
  readonly memory = new MemoryLock();
  readonly lock: RecordLock;
  conflict = false;

  constructor() {
    super();
    this.lock = {
      acquire: (key, owner, ttl) => this.memory.acquire(key, owner, ttl),
      release: (key, owner) => (this.calls.push('release'), this.memory.release(key, owner)),
      replaceAndRelease: async (record: TokenRecord, key: string, owner: string) => {
        this.calls.push('replaceAndRelease');
        if (this.conflict) throw new TokenStoreError('STORE_CONFLICT', 'the user name is bound to another record');
        if (!this.#replaceIfSelectable(record)) return false;
        await this.memory.release(key, owner);
        return true;
      },
    };
  }

  async insert(record: TokenRecord): Promise<void> {
    this.calls.push('insert');
    this.records.set(record.id as string, { ...record });
  }

  async replace(id: string, record: TokenRecord): Promise<boolean> {
    this.calls.push('replace');
    this.records.set(id, { ...record, id });
    return true;
  }

  async replaceIfSelectable(record: TokenRecord): Promise<boolean> {
    this.calls.push('replaceIfSelectable');
    return this.#replaceIfSelectable(record);
  }

  #replaceIfSelectable(record: TokenRecord): boolean {
    const current = this.records.get(record.id as string);
    if (!current || (current.userName !== null && current.userName !== record.userName)) return false;
    this.records.set(record.id as string, { ...record });
    return true;
  }
}

const token = (init: Partial<TokenRecord>) => OAuthToken.fromRecord({ id: null, userName: null, clientId: 'c', clientSecret: null, grantToken: null, refreshToken: 'r1', accessToken: null, redirectUrl: null, expiresAt: null, apiDomain: null, tokenType: null, scope: null, ...init });

describe('RecordTokenStore lock.saveAndRelease', () => {
  it('with an id and a user (the fast path): one replaceAndRelease, the lease free at once', async () => {
    const backend = new FastBackend();
    const store = new RecordTokenStore(backend);
    await store.saveToken(token({ id: 't1', userName: 'alice', refreshToken: 'r0' }));
    expect(await store.lock!.acquire('k', 'holder', 60_000)).toBe(true);
    backend.calls.length = 0;
    const answer = await store.lock!.saveAndRelease!(token({ id: 't1', userName: 'alice' }), 'k', 'holder');
    expect(answer.released).toBe(true);
    expect(answer.token.toRecord()).toEqual((await store.findTokenById('t1'))?.toRecord());
    expect(backend.calls).toEqual(['replaceAndRelease']);
    expect(await store.lock!.acquire('k', 'next', 60_000)).toBe(true);
  });

  it('without an id or a user, or when the fast path finds nothing or conflicts: the ordinary save, released: false', async () => {
    const backend = new FastBackend();
    const store = new RecordTokenStore(backend);
    expect(await store.lock!.acquire('k', 'holder', 60_000)).toBe(true);
    const noUser = await store.lock!.saveAndRelease!(token({ id: 't2', refreshToken: 'r-t2' }), 'k', 'holder');
    expect(noUser.released).toBe(false);
    expect(backend.calls).not.toContain('replaceAndRelease');
    backend.calls.length = 0;
    const unknownId = await store.lock!.saveAndRelease!(token({ id: 't3', userName: 'bob', refreshToken: 'r-t3' }), 'k', 'holder');
    expect(unknownId.released).toBe(false);
    // The fast path said "nothing to replace" once: the ordinary save does not ask it again.
    expect(backend.calls).toEqual(['replaceAndRelease', 'insert']);
    expect((await store.findTokenById('t3'))?.userSignature?.name).toBe('bob');
    backend.conflict = true;
    expect((await store.lock!.saveAndRelease!(token({ id: 't3', userName: 'bob', refreshToken: 'r9' }), 'k', 'holder')).released).toBe(false);
    expect((await store.findTokenById('t3'))?.refreshToken).toBe('r9');
    expect(await store.lock!.acquire('k', 'next', 60_000)).toBe(false); // still the holder's
  });

  it('a bad token, key or owner is INVALID_ARGUMENT before the backend is asked', async () => {
    const backend = new FastBackend();
    const store = new RecordTokenStore(backend);
    const bad = { toRecord: () => ({ ...token({ id: 't1', userName: 'alice' }).toRecord(), accessToken: 'x\uD800' }) } as unknown as OAuthToken;
    await expect(store.lock!.saveAndRelease!(bad, 'k', 'o')).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
    await expect(store.lock!.saveAndRelease!(token({ id: 't1', userName: 'alice' }), '', 'o')).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
    await expect(store.lock!.saveAndRelease!(token({ id: 't1', userName: 'alice' }), 'k', '')).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
    expect(backend.calls).toEqual([]);
  });

  it('EncryptedStore leaves it out of its lock (a save there is sealed first)', async () => {
    const inner = new RecordTokenStore(new FastBackend());
    expect(inner.lock?.saveAndRelease).toBeTypeOf('function');
    const encrypted = new EncryptedStore(inner, { keys: [newKey('k1')] });
    expect(encrypted.lock).toBeDefined();
    expect(encrypted.lock?.saveAndRelease).toBeUndefined();
  });
});
