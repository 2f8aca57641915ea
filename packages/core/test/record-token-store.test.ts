import { describe, expect, it } from 'vitest';
import { MemoryStore } from '../src/index.js';
import { RecordTokenStore, type TokenRecord, OAuthToken, TokenStoreError } from '../src/store-kit.js';
import { MapBackend } from './helpers/map-backend.js';

/**
 * A RecordBackend over a Map that implements replace's compare-and-swap on the owner and records every
 * replace call. `beforeReplace` runs between the kit's find and the replace's check, to play another
 * process writing in that window.
 */
class RecordingBackend extends MapBackend {
  readonly replaces: { id: string; expectedUserName: string | null; replaced: boolean }[] = [];
  inserts = 0;
  beforeReplace: ((id: string) => void) | undefined;

  async insert(record: TokenRecord): Promise<void> {
    const id = record.id as string;
    const taken = [...this.records.values()].some((r) => r.id === id || (record.userName !== null && r.userName === record.userName));
    if (taken) throw new TokenStoreError('STORE_CONFLICT', 'RecordingBackend: id or user name taken');
    this.inserts++;
    this.records.set(id, { ...record });
  }

  async replace(id: string, record: TokenRecord, expectedUserName: string | null): Promise<boolean> {
    this.beforeReplace?.(id);
    const current = this.records.get(id);
    const replaced = current !== undefined && current.userName === expectedUserName;
    this.replaces.push({ id, expectedUserName, replaced });
    if (replaced) this.records.set(id, { ...record, id });
    return replaced;
  }
}

function setup(): { backend: RecordingBackend; store: RecordTokenStore } {
  const backend = new RecordingBackend();
  return { backend, store: new RecordTokenStore(backend, 'TestStore') };
}

const clientId = 'client-1';
const refreshToken = 'refresh-1';

describe('RecordTokenStore.saveToken: replace is a compare-and-swap on the matched owner', () => {
  it('passes null as expectedUserName when it adopts an unbound record', async () => {
    const { backend, store } = setup();
    const unbound = await store.saveToken(new OAuthToken({ clientId, refreshToken, accessToken: 'at-0' }));
    const adopted = await store.saveToken(new OAuthToken({ userSignature: { name: 'alice' }, clientId, refreshToken, accessToken: 'at-a' }));
    expect(adopted.id).toBe(unbound.id);
    expect(backend.replaces).toEqual([{ id: unbound.id, expectedUserName: null, replaced: true }]);
    expect(backend.records.get(unbound.id as string)?.userName).toBe('alice');
  });

  it("passes the record's own user when a user updates their record", async () => {
    const { backend, store } = setup();
    const saved = await store.saveToken(new OAuthToken({ userSignature: { name: 'alice' }, accessToken: 'at-1' }));
    await store.saveToken(new OAuthToken({ userSignature: { name: 'alice' }, accessToken: 'at-2' }));
    expect(backend.replaces).toEqual([{ id: saved.id, expectedUserName: 'alice', replaced: true }]);
  });

  it("passes the matched owner for a user-less save (which keeps that owner)", async () => {
    const { backend, store } = setup();
    const saved = await store.saveToken(new OAuthToken({ userSignature: { name: 'bob' }, accessToken: 'at-b' }));
    const updated = await store.saveToken(new OAuthToken({ accessToken: 'at-b', scope: 'rescoped' }));
    expect(updated.id).toBe(saved.id);
    expect(updated.userSignature?.name).toBe('bob');
    expect(backend.replaces).toEqual([{ id: saved.id, expectedUserName: 'bob', replaced: true }]);
  });

  it('re-reads when the record was adopted between find and replace, and inserts its own record instead of overwriting', async () => {
    const { backend, store } = setup();
    const unbound = await store.saveToken(new OAuthToken({ clientId, refreshToken, accessToken: 'at-0' }));
    const bob: TokenRecord = { ...(backend.records.get(unbound.id as string) as TokenRecord), userName: 'bob', accessToken: 'at-b', scope: 'bob' };
    // Bob's save (in another process) adopts the record right after alice's save found it unbound.
    backend.beforeReplace = (id) => {
      backend.beforeReplace = undefined;
      backend.records.set(id, { ...bob });
    };
    const alice = new OAuthToken({ userSignature: { name: 'alice' }, clientId, refreshToken, accessToken: 'at-a', scope: 'alice' });
    const saved = await store.saveToken(alice);

    expect(saved.id).not.toBe(unbound.id);
    expect(saved.toRecord()).toEqual({ ...alice.toRecord(), id: saved.id });
    expect(backend.replaces).toEqual([{ id: unbound.id, expectedUserName: null, replaced: false }]);
    expect(backend.inserts).toBe(2);
    expect(backend.records.get(unbound.id as string), "bob's record is untouched").toEqual(bob);
    expect((await store.findToken(new OAuthToken({ userSignature: { name: 'alice' } })))?.toRecord()).toEqual(saved.toRecord());
    expect((await store.findToken(new OAuthToken({ userSignature: { name: 'bob' } })))?.toRecord()).toEqual(bob);
  });

  it('rejects with STORE_CONFLICT when every replace keeps being refused', async () => {
    const { backend, store } = setup();
    const saved = await store.saveToken(new OAuthToken({ userSignature: { name: 'alice' }, accessToken: 'at-1' }));
    backend.replace = async () => false;
    await expect(store.saveToken(new OAuthToken({ userSignature: { name: 'alice' }, accessToken: 'at-2' }))).rejects.toMatchObject({ code: 'STORE_CONFLICT' });
    expect(backend.records.get(saved.id as string)?.accessToken).toBe('at-1');
  });
});

describe('MemoryStore: two users racing to adopt one unbound record', () => {
  it('one adopts it, the other gets a new record, each finds exactly its own fields (20 rounds)', async () => {
    const store = new MemoryStore();
    for (let round = 0; round < 20; round++) {
      const client = `client-${round}`;
      const refresh = `refresh-${round}`;
      const unbound = await store.saveToken(new OAuthToken({ clientId: client, refreshToken: refresh, accessToken: `at-${round}` }));
      const tokens = ['alice', 'bob'].map(
        (name) => new OAuthToken({ userSignature: { name: `${name}-${round}` }, clientId: client, refreshToken: refresh, accessToken: `at-${name}-${round}`, scope: `${name}.${round}` }),
      );
      const saved = await Promise.all(tokens.map((t) => store.saveToken(t)));
      expect(saved.filter((s) => s.id === unbound.id), `round ${round}: exactly one adopts`).toHaveLength(1);
      expect(saved[0]?.id).not.toBe(saved[1]?.id);
      for (const [i, token] of tokens.entries()) {
        const found = await store.findToken(new OAuthToken({ userSignature: token.userSignature }));
        expect(found?.toRecord(), `round ${round}: ${token.userSignature?.name} finds its own fields`).toEqual({ ...token.toRecord(), id: saved[i]?.id });
      }
    }
    expect(await store.getTokens()).toHaveLength(40);
  });
});
