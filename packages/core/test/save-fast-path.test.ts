import { describe, expect, it, vi } from 'vitest';
import { MemoryStore } from '../src/index.js';
import { RecordTokenStore, type LookupField, type RecordBackend, type TokenRecord, OAuthToken, TokenStoreError, type OAuthTokenInit } from '../src/store-kit.js';
import { MapBackend } from './helpers/map-backend.js';
import { prng } from './helpers/prng.js';

/** Generated ids are `gen-1`, `gen-2`, ...: two runs of the same saves generate the same ids. */
const idCounter = vi.hoisted(() => ({ value: 0 }));
vi.mock('../src/token-id.js', () => ({ generateTokenId: () => `gen-${++idCounter.value}` }));
const generated = ['gen-1', 'gen-2', 'gen-3', 'gen-4', 'gen-5'];

/**
 * A RecordBackend over a Map with unique id and user name (like a table's unique indexes), replace's
 * compare-and-swap, and, unless `fast` is false, the optional `replaceIfSelectable`. It counts every
 * primitive call, so a test can tell which path a save took.
 */
class CountingBackend extends MapBackend {
  readonly calls: string[] = [];
  /** Played by another writer right before the fast path's statement (a conflict to inject, say). */
  beforeFast: (() => void) | undefined;
  declare replaceIfSelectable?: (record: TokenRecord) => Promise<boolean>;

  constructor(fast = true) {
    super();
    if (fast) this.replaceIfSelectable = (record) => this.#replaceIfSelectable(record);
  }

  protected override lookedUp(field: LookupField): void {
    this.calls.push(`findBy:${field}`);
  }

  async insert(record: TokenRecord): Promise<void> {
    this.calls.push('insert');
    const id = record.id as string;
    if (this.records.has(id)) throw new TokenStoreError('STORE_CONFLICT', 'CountingBackend: id taken');
    this.#assertUserFree(record, id);
    this.records.set(id, { ...record });
  }

  async replace(id: string, record: TokenRecord, expectedUserName: string | null): Promise<boolean> {
    this.calls.push('replace');
    const current = this.records.get(id);
    if (current === undefined || current.userName !== expectedUserName) return false;
    this.#assertUserFree(record, id);
    this.records.set(id, { ...record, id });
    return true;
  }

  async #replaceIfSelectable(record: TokenRecord): Promise<boolean> {
    this.calls.push('replaceIfSelectable');
    this.beforeFast?.();
    const id = record.id as string;
    const current = this.records.get(id);
    // Exactly the SQL stores' WHERE: id = ? AND (user_name IS NULL OR user_name = ?).
    if (current === undefined || !(current.userName === null || current.userName === record.userName)) return false;
    this.#assertUserFree(record, id);
    this.records.set(id, { ...record });
    return true;
  }

  /** Seeds a record directly (no save, no calls recorded). */
  seed(fields: Partial<TokenRecord> & { id: string }): TokenRecord {
    const record = { ...new OAuthToken({}).toRecord(), ...fields };
    this.records.set(fields.id, record);
    return { ...record };
  }

  #assertUserFree(record: TokenRecord, id: string): void {
    if (record.userName === null) return;
    if ([...this.records.values()].some((r) => r.id !== id && r.userName === record.userName)) {
      throw new TokenStoreError('STORE_CONFLICT', 'CountingBackend: user name bound to another record');
    }
  }
}

function setup(fast = true): { backend: CountingBackend; store: RecordTokenStore } {
  const backend = new CountingBackend(fast);
  return { backend, store: new RecordTokenStore(backend, 'TestStore') };
}

const full = (init: OAuthTokenInit): OAuthToken =>
  new OAuthToken({ clientId: 'client-1', refreshToken: 'refresh-new', accessToken: 'access-new', expiresAt: 1767225600123, scope: 'new', ...init });

describe('RecordTokenStore.saveToken fast path (RecordBackend.replaceIfSelectable)', () => {
  it('a save with id and user name of that user\'s record is one replaceIfSelectable call and nothing else', async () => {
    const { backend, store } = setup();
    backend.seed({ id: 'r1', userName: 'alice', accessToken: 'access-old', scope: 'old', clientSecret: 'old-secret' });
    const token = full({ id: 'r1', userSignature: { name: 'alice' } });
    const saved = await store.saveToken(token);
    expect(backend.calls).toEqual(['replaceIfSelectable']);
    expect(saved.toRecord()).toEqual(token.toRecord());
    // Every field replaced: the old clientSecret is cleared, as on the ordinary path.
    expect(backend.records.get('r1')).toEqual(token.toRecord());
  });

  it('adopts an unbound record by id in one call (now bound to the user)', async () => {
    const { backend, store } = setup();
    backend.seed({ id: 'r1', userName: null, accessToken: 'access-old' });
    const saved = await store.saveToken(full({ id: 'r1', userSignature: { name: 'alice' } }));
    expect(backend.calls).toEqual(['replaceIfSelectable']);
    expect(saved.id).toBe('r1');
    expect(backend.records.get('r1')?.userName).toBe('alice');
  });

  it('falls back to the ordinary path when it returns false: an unknown id is inserted under that id', async () => {
    const { backend, store } = setup();
    const saved = await store.saveToken(full({ id: 'new-id', userSignature: { name: 'alice' } }));
    expect(backend.calls).toEqual(['replaceIfSelectable', 'findBy:id', 'findBy:userName', 'findBy:refreshToken', 'findBy:accessToken', 'insert']);
    expect(saved.id).toBe('new-id');
    expect(backend.records.get('new-id')?.userName).toBe('alice');
  });

  it("falls back when the id is another user's record: A's save rejects with STORE_CONFLICT and leaves B's record alone", async () => {
    const { backend, store } = setup();
    const b = backend.seed({ id: 'rb', userName: 'bob', accessToken: 'access-b' });
    await expect(store.saveToken(full({ id: 'rb', userSignature: { name: 'alice' } }))).rejects.toMatchObject({ code: 'STORE_CONFLICT' });
    expect(backend.records.get('rb')).toEqual(b);
    // Asked once; every retry is the ordinary path (find, then an insert that loses on the id).
    expect(backend.calls.filter((c) => c === 'replaceIfSelectable')).toHaveLength(1);
    expect(backend.calls.filter((c) => c === 'insert')).toHaveLength(8);
  });

  it("falls back when the id is another user's record and the user has one: the ordinary path updates the user's own record", async () => {
    const { backend, store } = setup();
    const b = backend.seed({ id: 'rb', userName: 'bob' });
    backend.seed({ id: 'ra', userName: 'alice' });
    const saved = await store.saveToken(full({ id: 'rb', userSignature: { name: 'alice' } }));
    expect(saved.id).toBe('ra');
    expect(backend.records.get('rb')).toEqual(b);
    expect(backend.calls).toEqual(['replaceIfSelectable', 'findBy:id', 'findBy:userName', 'replace']);
  });

  it('a user who owns another record: STORE_CONFLICT after the usual retries, neither record changes', async () => {
    const { backend, store } = setup();
    const unbound = backend.seed({ id: 'r1', userName: null, scope: 'unbound' });
    const own = backend.seed({ id: 'ra', userName: 'alice', scope: 'own' });
    await expect(store.saveToken(full({ id: 'r1', userSignature: { name: 'alice' } }))).rejects.toMatchObject({ code: 'STORE_CONFLICT' });
    expect(backend.records.get('r1')).toEqual(unbound);
    expect(backend.records.get('ra')).toEqual(own);
    expect(backend.calls).toEqual(Array.from({ length: 8 }, () => 'replaceIfSelectable'));
  });

  it('the same outcome without the fast path (the ordinary path conflicts on the replace 8 times)', async () => {
    const { backend, store } = setup(false);
    backend.seed({ id: 'r1', userName: null });
    backend.seed({ id: 'ra', userName: 'alice' });
    await expect(store.saveToken(full({ id: 'r1', userSignature: { name: 'alice' } }))).rejects.toMatchObject({ code: 'STORE_CONFLICT' });
    expect(backend.calls.filter((c) => c === 'replace')).toHaveLength(8);
  });

  it('a conflict that goes away is retried like a conflicting replace, and the save succeeds', async () => {
    const { backend, store } = setup();
    backend.seed({ id: 'r1', userName: null });
    backend.seed({ id: 'ra', userName: 'alice' });
    let calls = 0;
    // Another process deletes alice's other record after the first attempt conflicted.
    backend.beforeFast = () => {
      if (++calls === 2) backend.records.delete('ra');
    };
    const saved = await store.saveToken(full({ id: 'r1', userSignature: { name: 'alice' } }));
    expect(saved.id).toBe('r1');
    expect(backend.calls).toEqual(['replaceIfSelectable', 'replaceIfSelectable']);
    expect(backend.records.get('r1')?.userName).toBe('alice');
  });

  it('an error other than STORE_CONFLICT is not retried', async () => {
    const { backend, store } = setup();
    backend.seed({ id: 'r1', userName: 'alice' });
    backend.beforeFast = () => {
      throw new TokenStoreError('STORE_UNAVAILABLE', 'down');
    };
    await expect(store.saveToken(full({ id: 'r1', userSignature: { name: 'alice' } }))).rejects.toMatchObject({ code: 'STORE_UNAVAILABLE' });
    expect(backend.calls).toEqual(['replaceIfSelectable']);
  });

  it.each<[string, OAuthTokenInit]>([
    ['a user-less save with an id', { id: 'r1' }],
    ['a user-less save with an id and an empty user name', { id: 'r1', userSignature: { name: '' } }],
    ['an id-less save for a user', { userSignature: { name: 'alice' } }],
    ['a save with an empty id for a user', { id: '', userSignature: { name: 'alice' } }],
    ['a save with neither', { accessToken: 'access-old' }],
  ])('%s never uses it', async (_, init) => {
    const { backend, store } = setup();
    backend.seed({ id: 'r1', userName: 'alice', accessToken: 'access-old' });
    const saved = await store.saveToken(new OAuthToken({ ...init, scope: 'updated' }));
    expect(backend.calls).not.toContain('replaceIfSelectable');
    expect(saved.id).toBe('r1');
    // A user-less save keeps the owner (the ordinary path's rule).
    expect(backend.records.get('r1')?.userName).toBe('alice');
    expect(backend.records.get('r1')?.scope).toBe('updated');
  });

  it('a record whose stored user name is "" (legacy data) is left to the ordinary path, which adopts it', async () => {
    const { backend, store } = setup();
    backend.seed({ id: 'r1', userName: '' });
    const saved = await store.saveToken(full({ id: 'r1', userSignature: { name: 'alice' } }));
    expect(saved.id).toBe('r1');
    expect(backend.calls).toEqual(['replaceIfSelectable', 'findBy:id', 'replace']);
    expect(backend.records.get('r1')?.userName).toBe('alice');
  });
});

describe('the fast path changes no outcome (random saves, with and without it)', () => {
  type Op = { delete: string } | { save: OAuthTokenInit };

  function randomOps(seed: number, count: number): Op[] {
    const random = prng(seed);
    const pick = <T>(values: readonly T[]): T => values[Math.floor(random() * values.length)] as T;
    const ids = [undefined, '', 'id-1', 'id-2', 'id-3', 'id-4'];
    const users = [undefined, '', 'alice', 'bob', 'carol'];
    const tokens = [undefined, 'tok-1', 'tok-2'];
    const ops: Op[] = [];
    for (let i = 0; i < count; i++) {
      if (random() < 0.04) ops.push({ delete: pick(['id-1', 'id-2', 'id-3', 'id-4', ...generated.slice(0, 4)]) });
      const user = pick(users);
      ops.push({
        save: {
          id: pick(random() < 0.2 ? generated.slice(0, 4) : ids),
          userSignature: user === undefined ? undefined : { name: user },
          clientId: pick([undefined, 'client-1']),
          refreshToken: pick(tokens),
          accessToken: pick(tokens),
          scope: `scope-${i}`,
        },
      });
    }
    return ops;
  }

  /** Runs the ops on a fresh store; generated ids are `gen-1`, `gen-2`, ... in each run. */
  async function run(fast: boolean, ops: readonly Op[]) {
    idCounter.value = 0;
    const { backend, store } = setup(fast);
    const steps: unknown[] = [];
    let fastTaken = 0;
    for (const op of ops) {
      if ('delete' in op) {
        await store.deleteToken(op.delete);
        continue;
      }
      const before = backend.calls.length;
      let outcome: unknown;
      try {
        outcome = { saved: (await store.saveToken(new OAuthToken(op.save))).toRecord() };
      } catch (error) {
        outcome = { error: (error as TokenStoreError).code };
      }
      if (backend.calls[before] === 'replaceIfSelectable') fastTaken++;
      steps.push({ save: op.save, outcome, records: [...backend.records.entries()].sort() });
    }
    return { steps, fastTaken };
  }

  it.each([1, 2, 3, 20240611])('seed %i: 1500 random saves give the same results, errors and records', async (seed) => {
    const ops = randomOps(seed, 1500);
    const withFast = await run(true, ops);
    const without = await run(false, ops);
    expect(withFast.fastTaken, 'the fast path was exercised').toBeGreaterThan(100);
    for (const [i, step] of withFast.steps.entries()) expect(step, `step ${i}`).toEqual(without.steps[i]);
  });
});

describe('MemoryStore fast path', () => {
  it('two users saving with the id of one unbound record at once: one adopts it, the other rejects, nothing is overwritten (20 rounds)', async () => {
    const store = new MemoryStore();
    for (let round = 0; round < 20; round++) {
      const unbound = await store.saveToken(new OAuthToken({ id: `r-${round}`, accessToken: `at-${round}` }));
      const tokens = ['alice', 'bob'].map((name) => new OAuthToken({ id: unbound.id, userSignature: { name: `${name}-${round}` }, accessToken: `at-${name}-${round}` }));
      const settled = await Promise.allSettled(tokens.map((t) => store.saveToken(t)));
      const won = settled.flatMap((s, i) => (s.status === 'fulfilled' ? [i] : []));
      expect(won, `round ${round}: exactly one adopts`).toHaveLength(1);
      const lost = settled.find((s) => s.status === 'rejected') as PromiseRejectedResult;
      expect(lost.reason).toMatchObject({ code: 'STORE_CONFLICT' });
      const winner = tokens[won[0] as number] as OAuthToken;
      expect((await store.findTokenById(unbound.id as string))?.toRecord()).toEqual(winner.toRecord());
    }
    expect(await store.getTokens()).toHaveLength(20);
  });

  it('id + user of an own record updates it in place; of another user\'s record rejects and leaves it', async () => {
    const store = new MemoryStore();
    const a = await store.saveToken(new OAuthToken({ userSignature: { name: 'alice' }, accessToken: 'at-a' }));
    const b = await store.saveToken(new OAuthToken({ userSignature: { name: 'bob' }, accessToken: 'at-b' }));
    const updated = await store.saveToken(new OAuthToken({ id: a.id, userSignature: { name: 'alice' }, accessToken: 'at-a2' }));
    expect(updated.toRecord()).toEqual({ ...a.toRecord(), accessToken: 'at-a2' });
    await expect(store.saveToken(new OAuthToken({ id: b.id, userSignature: { name: 'carol' }, accessToken: 'at-c' }))).rejects.toMatchObject({ code: 'STORE_CONFLICT' });
    expect((await store.findTokenById(b.id as string))?.toRecord()).toEqual(b.toRecord());
    // The user owns another record: the save would make two records for alice.
    const unbound = await store.saveToken(new OAuthToken({ id: 'unbound', accessToken: 'at-u' }));
    await expect(store.saveToken(new OAuthToken({ id: unbound.id, userSignature: { name: 'alice' } }))).rejects.toMatchObject({ code: 'STORE_CONFLICT' });
    expect((await store.findTokenById('unbound'))?.toRecord()).toEqual(unbound.toRecord());
    expect((await store.getTokens()).map((t) => t.id).sort()).toEqual([a.id, b.id, 'unbound'].sort());
  });
});
