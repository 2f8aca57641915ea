import { rmSync } from 'node:fs';
import { RECORD_COLUMNS, RECORD_FIELDS, recordFromUnknown, type TokenRecord } from '@tokenstore/core/store-kit';
import { SQLiteStore } from '@tokenstore/store-sqlite';
import Database from 'better-sqlite3';
import { benchRecord } from '../lib/tokens.js';
import { benchPath } from '../lib/tmp.js';
import { sqlLiteral, type StoreAdapter, type ZohoBaseline } from './types.js';

const COLS = RECORD_FIELDS.map((f) => `"${RECORD_COLUMNS[f]}"`);
const SELECT = RECORD_FIELDS.map((f) => `"${RECORD_COLUMNS[f]}" AS "${f}"`).join(', ');
const values = (r: TokenRecord) => RECORD_FIELDS.map((f) => r[f]);

function removeDb(file: string): void {
  for (const suffix of ['', '-wal', '-shm', '-journal']) rmSync(file + suffix, { force: true });
}

export const sqliteAdapter: StoreAdapter = {
  kind: 'sqlite',
  label: 'SQLiteStore',
  shared: true,
  unavailable: async () => null,
  async open(name) {
    const file = benchPath(`${name}.sqlite`);
    const store = new SQLiteStore({ filename: file });
    const db = store.database;
    const t = `"${store.table}"`;
    const findByUser = db.prepare(`SELECT ${SELECT} FROM ${t} WHERE "user_name" = ?`);
    const findById = db.prepare(`SELECT ${SELECT} FROM ${t} WHERE "id" = ?`);
    const others = RECORD_FIELDS.filter((f) => f !== 'id');
    const update = db.prepare(`UPDATE ${t} SET ${others.map((f) => `"${RECORD_COLUMNS[f]}" = ?`).join(', ')} WHERE "id" = ?`);
    const insert = db.prepare(`INSERT INTO ${t} (${COLS.join(', ')}) VALUES (${COLS.map(() => '?').join(', ')})`);
    const bulk = db.transaction((from: number, to: number) => {
      for (let i = from; i < to; i++) insert.run(...values(benchRecord(i)));
    });
    return {
      kind: 'sqlite',
      store,
      async bulkLoad(from, to) {
        // One transaction per 100k rows (one fsync each, not one per row), with a page cache large
        // enough to build the indexes in memory; the connection's cache size is restored afterwards.
        const cache = db.pragma('cache_size', { simple: true });
        db.pragma('cache_size = -262144');
        try {
          for (let i = from; i < to; i += 100_000) bulk(i, Math.min(to, i + 100_000));
        } finally {
          db.pragma(`cache_size = ${Number(cache)}`);
        }
      },
      analyze: async () => void db.exec('ANALYZE'),
      leaseCount: async () => Number((db.prepare(`SELECT count(*) AS n FROM "${store.table}_lease"`).get() as { n: number }).n),
      raw: {
        label: 'better-sqlite3, same Database',
        findByUser: async (user) => findByUser.get(user),
        updateById: async (r) => update.run(...others.map((f) => r[f]), r.id),
        selectThenUpdate: async (r) => {
          findById.get(r.id);
          return update.run(...others.map((f) => r[f]), r.id);
        },
      },
      async drop() {
        await store.close();
        removeDb(file);
      },
      close: () => store.close(),
    };
  },
  openStoreOnly: async (name) => new SQLiteStore({ filename: benchPath(`${name}.sqlite`) }),
  async zoho(name) {
    const file = benchPath(`${name}-zoho.sqlite`);
    // Zoho-era layout: no index on user_name (not even a primary key), values as text.
    const setup = new Database(file);
    setup.exec(`DROP TABLE IF EXISTS oauthtoken; CREATE TABLE oauthtoken (${RECORD_FIELDS.map((f) => `${RECORD_COLUMNS[f]} TEXT`).join(', ')})`);
    setup.close();
    const connect = () => new Database(file);
    return {
      label: 'new Database() per call, string SQL, no index',
      async load(rows) {
        const db = connect();
        const insert = db.prepare(`INSERT INTO oauthtoken VALUES (${COLS.map(() => '?').join(', ')})`);
        db.transaction(() => {
          for (let i = 0; i < rows; i++) insert.run(...values(benchRecord(i)).map((v) => (v === null ? null : String(v))));
        })();
        db.close();
      },
      async findByUser(user) {
        const db = connect();
        try {
          const row = db.prepare(`SELECT ${SELECT} FROM oauthtoken WHERE user_name = ${sqlLiteral(user)}`).get() as Record<string, unknown> | undefined;
          return row ? recordFromUnknown(row) : null;
        } finally {
          db.close();
        }
      },
      async save(r) {
        let db = connect();
        try {
          db.exec(`DELETE FROM oauthtoken WHERE user_name = ${sqlLiteral(r.userName)}`);
        } finally {
          db.close();
        }
        db = connect();
        try {
          db.exec(`INSERT INTO oauthtoken VALUES (${values(r).map(sqlLiteral).join(', ')})`);
        } finally {
          db.close();
        }
      },
      drop: async () => removeDb(file),
    } satisfies ZohoBaseline;
  },
};
