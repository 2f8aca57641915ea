/**
 * A store printed by the app (`console.log(store)`, `util.inspect`, `JSON.stringify`) while a subclass
 * exposes its driver object (PostgresStore.pool, MongoStore.client): those objects' options hold the
 * connection string and the database password. The store shows its name and plain settings only.
 */
import { inspect } from 'node:util';
import { describe, expect, it } from 'vitest';
import { MemoryStore } from '../src/index.js';
import { RecordTokenStore, type TokenRecord } from '../src/store-kit.js';
import { MapBackend } from './helpers/map-backend.js';

class PlainBackend extends MapBackend {
  async insert(record: TokenRecord): Promise<void> {
    this.records.set(record.id as string, { ...record });
  }

  async replace(id: string, record: TokenRecord): Promise<boolean> {
    this.records.set(id, { ...record, id });
    return true;
  }
}

const PASSWORD = 'db-password-inspect-7Qx';

/** As the database stores do: a public driver object whose options carry the credentials. */
class PooledStore extends RecordTokenStore {
  readonly table = 'oauthtoken';
  readonly pool = { options: { connectionString: `postgres://app:${PASSWORD}@db.example.test/app`, password: PASSWORD } };
  constructor() {
    super(new PlainBackend(), 'PooledStore');
  }
}

describe('a store printed by the app', () => {
  it('util.inspect (at any depth, hidden properties too) and JSON.stringify show no driver options and no password', () => {
    const store = new PooledStore();
    for (const text of [inspect(store), inspect(store, { depth: Infinity, showHidden: true }), JSON.stringify(store), `${String(inspect({ nested: store }, { depth: 5 }))}`]) {
      expect(text).not.toContain(PASSWORD);
      expect(text).toContain('PooledStore');
    }
    expect(inspect(store)).toContain("table: 'oauthtoken'");
  });

  it('MemoryStore prints as its name', () => {
    expect(inspect(new MemoryStore())).toMatch(/^MemoryStore/);
  });
});
