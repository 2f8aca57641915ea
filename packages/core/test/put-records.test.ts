import { describe, expect, it } from 'vitest';
import { RecordTokenStore, TokenStoreError, emptyRecord, type TokenRecord } from '../src/store-kit.js';
import { MapBackend } from './helpers/map-backend.js';

const record = (fields: Partial<TokenRecord>): TokenRecord => ({ ...emptyRecord(), ...fields });

/** Unique id and user name like a table's unique indexes, replace's owner compare-and-swap, and a log of writes. */
class UniqueBackend extends MapBackend {
  readonly writes: string[] = [];

  async insert(r: TokenRecord): Promise<void> {
    this.writes.push(`insert:${r.id}`);
    if (this.records.has(r.id as string)) throw new TokenStoreError('STORE_CONFLICT', 'id taken');
    this.#assertUserFree(r);
    this.records.set(r.id as string, { ...r });
  }

  async replace(id: string, r: TokenRecord, expectedUserName?: string | null): Promise<boolean> {
    this.writes.push(`replace:${id}`);
    const stored = this.records.get(id);
    if (stored === undefined || (expectedUserName !== undefined && stored.userName !== expectedUserName)) return false;
    this.#assertUserFree(r);
    this.records.set(id, { ...r, id });
    return true;
  }

  #assertUserFree(r: TokenRecord): void {
    for (const other of this.records.values()) {
      if (r.userName !== null && other.userName === r.userName && other.id !== r.id) throw new TokenStoreError('STORE_CONFLICT', 'user taken');
    }
  }
}

/** With a bulk insert that, like MongoDB's unordered insertMany, leaves the records before a conflict in. */
class BulkBackend extends UniqueBackend {
  bulkCalls = 0;
  async insertMany(records: readonly TokenRecord[]): Promise<void> {
    this.bulkCalls++;
    for (const r of records) await this.insert(r);
  }
}

const twins = (): TokenRecord[] => [
  record({ id: 'bound', userName: 'bob', clientId: 'c', refreshToken: 'R', accessToken: 'A', grantToken: 'G' }),
  record({ id: 'unbound-refresh', clientId: 'c', refreshToken: 'R' }),
  record({ id: 'unbound-grant', clientId: 'c', grantToken: 'G' }),
  record({ id: 'unbound-access', accessToken: 'A', expiresAt: 1_800_000_000_123 }),
];

describe('RecordTokenStore.putRecords: copy by id, exactly', () => {
  for (const [name, make] of [
    ['per record', () => new UniqueBackend()],
    ['with insertMany', () => new BulkBackend()],
  ] as const) {
    it(`${name}: records sharing tokens stay separate, an existing id is replaced field for field, a rerun changes nothing`, async () => {
      const backend = make();
      backend.records.set('bound', record({ id: 'bound', userName: 'bob', clientId: 'old', scope: 'old' }));
      const store = new RecordTokenStore(backend, 'TestStore');
      await store.putRecords(twins());
      expect([...backend.records.values()]).toEqual(expect.arrayContaining(twins()));
      expect(backend.records.size).toBe(4);
      await store.putRecords(twins());
      expect(backend.records.size).toBe(4);
      expect(new Map(backend.records)).toEqual(new Map(twins().map((r) => [r.id, r])));
    });
  }

  it('a rerun writes nothing for records already stored exactly (reads only), and replaces only those that differ', async () => {
    const backend = new UniqueBackend();
    const store = new RecordTokenStore(backend);
    await store.putRecords(twins());
    backend.writes.length = 0;
    await store.putRecords(twins());
    expect(backend.writes).toEqual([]);
    const changed = twins().map((r) => (r.id === 'unbound-grant' ? { ...r, scope: 'changed' } : r));
    await store.putRecords(changed);
    expect(backend.writes).toEqual(['replace:unbound-grant']);
    expect(backend.records.get('unbound-grant')?.scope).toBe('changed');
  });

  it('a replaced record takes the source owner, also none (an exact copy, not a save that keeps the owner)', async () => {
    const backend = new UniqueBackend();
    backend.records.set('x', record({ id: 'x', userName: 'alice', accessToken: 'old' }));
    await new RecordTokenStore(backend).putRecords([record({ id: 'x', accessToken: 'new' })]);
    expect(backend.records.get('x')).toEqual(record({ id: 'x', accessToken: 'new' }));
  });

  it('insertMany is the fast path; after its conflict (some records in) every record is copied on its own', async () => {
    const backend = new BulkBackend();
    backend.records.set('unbound-grant', record({ id: 'unbound-grant', scope: 'stale' }));
    await new RecordTokenStore(backend).putRecords(twins());
    expect(backend.bulkCalls).toBe(1);
    expect(new Map(backend.records)).toEqual(new Map(twins().map((r) => [r.id, r])));

    const fresh = new BulkBackend();
    await new RecordTokenStore(fresh).putRecords(twins());
    expect(fresh.writes).toEqual(twins().map((r) => `insert:${r.id}`));
  });

  it('every record is validated before anything of the batch is written (INVALID_ARGUMENT)', async () => {
    const bad: [string, TokenRecord[]][] = [
      ['lone surrogate', [record({ id: 'ok' }), record({ id: 'bad', userName: 'mallory\uD800' })]],
      ['NUL', [record({ id: 'ok' }), record({ id: 'bad', refreshToken: 'a\0b' })]],
      ['no id', [record({ id: 'ok' }), record({ accessToken: 'A' })]],
      ['blank id', [record({ id: 'ok' }), record({ id: '' })]],
      ['expiresAt not an integer', [record({ id: 'ok' }), { ...record({ id: 'bad' }), expiresAt: 1.5 }]],
      ['id twice', [record({ id: 'ok' }), record({ id: 'ok', scope: 'x' })]],
      ['user name twice', [record({ id: 'a', userName: 'u' }), record({ id: 'b', userName: 'u' })]],
    ];
    for (const [why, records] of bad) {
      const backend = new BulkBackend();
      await expect(new RecordTokenStore(backend).putRecords(records), why).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
      expect({ why, writes: backend.writes, bulk: backend.bulkCalls }).toEqual({ why, writes: [], bulk: 0 });
    }
  });

  it('a user name owned by another id in the target is STORE_CONFLICT naming both ids, never the user or a secret', async () => {
    const backend = new BulkBackend();
    backend.records.set('theirs', record({ id: 'theirs', userName: 'carol@example.com', refreshToken: 'R-theirs' }));
    const error = await new RecordTokenStore(backend, 'TestStore')
      .putRecords([record({ id: 'mine', userName: 'carol@example.com', refreshToken: 'R-secret', clientSecret: 'S-secret' })])
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TokenStoreError);
    expect(error).toMatchObject({ code: 'STORE_CONFLICT' });
    const message = (error as Error).message;
    expect(message).toContain('mine');
    expect(message).toContain('theirs');
    for (const secret of ['carol', 'R-secret', 'S-secret', 'R-theirs']) expect(message).not.toContain(secret);
    expect(backend.records.get('theirs')?.refreshToken).toBe('R-theirs');
  });

  it('a record rebound between its read and its replace is re-read (owner compare-and-swap), not overwritten blindly', async () => {
    const backend = new UniqueBackend();
    backend.records.set('x', record({ id: 'x', accessToken: 'old' }));
    const findBy = backend.findBy.bind(backend);
    let raced = false;
    backend.findBy = async (field, value) => {
      const found = await findBy(field, value);
      if (!raced) {
        raced = true;
        backend.records.set('x', record({ id: 'x', userName: 'dave', accessToken: 'adopted' }));
      }
      return found;
    };
    await new RecordTokenStore(backend).putRecords([record({ id: 'x', accessToken: 'copied' })]);
    expect(backend.writes).toEqual(['replace:x', 'replace:x']);
    expect(backend.records.get('x')).toEqual(record({ id: 'x', accessToken: 'copied' }));
  });

  it('an empty batch writes nothing; a closed store rejects STORE_CLOSED', async () => {
    const backend = new BulkBackend();
    const store = new RecordTokenStore(backend);
    await store.putRecords([]);
    expect(backend.bulkCalls).toBe(0);
    await store.close();
    await expect(store.putRecords([record({ id: 'a' })])).rejects.toMatchObject({ code: 'STORE_CLOSED' });
  });
});

describe('RecordTokenStore.diagnose', () => {
  it("names the store and passes the backend's facts on; without a backend diagnose, only the name", async () => {
    const plain = new UniqueBackend();
    expect(await new RecordTokenStore(plain, 'Plain').diagnose()).toEqual({ store: 'Plain' });
    const told = Object.assign(new UniqueBackend(), { diagnose: async () => ({ schemaVersion: { found: 1, expected: 2 }, unindexedLookups: ['accessToken' as const] }) });
    expect(await new RecordTokenStore(told, 'Told').diagnose()).toEqual({ store: 'Told', schemaVersion: { found: 1, expected: 2 }, unindexedLookups: ['accessToken'] });
  });
});
