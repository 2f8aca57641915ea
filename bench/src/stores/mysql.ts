import { createHash } from 'node:crypto';
import { RECORD_COLUMNS, RECORD_FIELDS, type TokenRecord } from '@tokenstore/core/store-kit';
import mysql from 'mysql2/promise';
import { benchRecord, benchRowSql } from '../lib/tokens.js';
import { serverLifecycle, serverUnavailable } from './server.js';
import { sqlLiteral, type StoreAdapter, type ZohoBaseline } from './types.js';

const url = () => process.env.TOKENSTORE_MYSQL_URL;
const COLS = RECORD_FIELDS.map((f) => `\`${RECORD_COLUMNS[f]}\``);
const OTHERS = RECORD_FIELDS.filter((f) => f !== 'id');
const sha256 = (v: string) => createHash('sha256').update(v, 'utf8').digest();
/** expiresAt travels as a decimal string, as the store sends it. */
const param = (v: string | number | null) => (v === null ? null : String(v));

async function storeModule() {
  const mod = (await import('@tokenstore/store-mysql')) as Record<string, unknown>;
  if (typeof mod.MySQLStore !== 'function') throw new Error('@tokenstore/store-mysql exports no MySQLStore yet');
  return mod as unknown as typeof import('@tokenstore/store-mysql');
}

const newPool = () => mysql.createPool({ uri: url() as string, connectionLimit: 10, waitForConnections: true });

async function dropTables(pool: mysql.Pool, table: string): Promise<void> {
  await pool.query(`DROP TABLE IF EXISTS \`${table}\`, \`${table}_leases\`, \`${table}_migrations\``);
}

/**
 * Big loads: InnoDB maintaining five secondary indexes of random SHA-256 keys row by row does not fit
 * the default 128 MiB buffer pool (1M rows took ~3 min). So the secondary indexes are dropped, the
 * rows inserted, and the same indexes (same names, columns, uniqueness) added back in one ALTER TABLE,
 * which builds each by sorting. The table ends up exactly as the store's migration made it.
 */
async function withIndexesRebuilt(pool: mysql.Pool, table: string, body: () => Promise<void>): Promise<void> {
  const [rows] = await pool.query(`SHOW INDEX FROM \`${table}\``);
  const indexes = new Map<string, { unique: boolean; columns: string[] }>();
  for (const r of rows as { Key_name: string; Non_unique: number; Column_name: string; Seq_in_index: number }[]) {
    if (r.Key_name === 'PRIMARY') continue;
    const entry = indexes.get(r.Key_name) ?? { unique: Number(r.Non_unique) === 0, columns: [] };
    entry.columns[r.Seq_in_index - 1] = r.Column_name;
    indexes.set(r.Key_name, entry);
  }
  if (indexes.size) await pool.query(`ALTER TABLE \`${table}\` ${[...indexes.keys()].map((k) => `DROP INDEX \`${k}\``).join(', ')}`);
  try {
    await body();
  } finally {
    if (indexes.size) {
      await pool.query(
        `ALTER TABLE \`${table}\` ${[...indexes].map(([k, v]) => `ADD ${v.unique ? 'UNIQUE ' : ''}KEY \`${k}\` (${v.columns.map((c) => `\`${c}\``).join(', ')})`).join(', ')}`,
      );
    }
  }
}

/** Rows [from, to) by INSERT ... SELECT over MariaDB's sequence engine, else multi-row INSERTs. */
async function bulkInsert(pool: mysql.Pool, table: string, from: number, to: number): Promise<void> {
  if (to - from >= 200_000) return withIndexesRebuilt(pool, table, () => insertRows(pool, table, from, to));
  return insertRows(pool, table, from, to);
}

async function insertRows(pool: mysql.Pool, table: string, from: number, to: number): Promise<void> {
  const step = 100_000;
  try {
    for (let i = from; i < to; i += step) {
      const end = Math.min(to, i + step);
      await pool.query(`INSERT INTO \`${table}\` (${COLS.join(', ')}) SELECT ${benchRowSql('seq', (...p) => `CONCAT(${p.join(', ')})`).join(', ')} FROM seq_${i}_to_${end - 1}`);
    }
  } catch (error) {
    if ((error as { code?: string }).code !== 'ER_NO_SUCH_TABLE') throw error;
    // MySQL (no sequence engine): 2,000 rows per statement.
    for (let i = from; i < to; i += 2000) {
      const rows: (string | null)[][] = [];
      for (let k = i; k < Math.min(to, i + 2000); k++) rows.push(RECORD_FIELDS.map((f) => param(benchRecord(k)[f])));
      await pool.query(`INSERT INTO \`${table}\` (${COLS.join(', ')}) VALUES ?`, [rows]);
    }
  }
}

export const mysqlAdapter: StoreAdapter = {
  kind: 'mysql',
  label: 'MySQLStore',
  shared: true,
  unavailable: () =>
    serverUnavailable({
      env: 'TOKENSTORE_MYSQL_URL',
      url: url(),
      storeModule,
      server: 'MySQL/MariaDB',
      async probe() {
        const c = await mysql.createConnection({ uri: url() as string, connectTimeout: 3000 });
        await c.end();
      },
    }),
  async open(name) {
    const { MySQLStore } = await storeModule();
    const pool = newPool();
    await dropTables(pool, name);
    const store = new MySQLStore({ pool, table: name });
    await store.migrate();
    const t = `\`${name}\``;
    // The store's own statements: lookups through the indexed SHA-256 generated columns.
    const findByUser = `SELECT ${COLS.join(', ')} FROM ${t} WHERE \`user_name_sha256\` = ?`;
    const findById = `SELECT ${COLS.join(', ')} FROM ${t} WHERE \`id_sha256\` = ?`;
    const update = `UPDATE ${t} SET ${OTHERS.map((f) => `\`${RECORD_COLUMNS[f]}\` = ?`).join(', ')} WHERE \`id_sha256\` = ?`;
    const updateValues = (r: TokenRecord) => [...OTHERS.map((f) => param(r[f])), sha256(r.id as string)];
    return {
      kind: 'mysql',
      store,
      bulkLoad: (from, to) => bulkInsert(pool, name, from, to),
      analyze: async () => void (await pool.query(`ANALYZE TABLE ${t}`)),
      leaseCount: async () => Number(((await pool.query(`SELECT COUNT(*) AS n FROM \`${name}_leases\``))[0] as { n: number }[])[0]?.n),
      // saveAndRelease marks the lease row released; each store deletes its marked rows 64 at a time.
      leaseBound: { entries: 64, perProcess: true, why: 'released rows each store deletes 64 at a time' },
      raw: {
        label: 'mysql2 pool.execute, same Pool',
        findByUser: async (user) => ((await pool.execute(findByUser, [sha256(user)]))[0] as unknown[])[0],
        updateById: (r) => pool.execute(update, updateValues(r)),
        selectThenUpdate: async (r) => {
          await pool.execute(findById, [sha256(r.id as string)]);
          return pool.execute(update, updateValues(r));
        },
      },
      ...serverLifecycle(store, () => dropTables(pool, name), () => pool.end()),
    };
  },
  async openStoreOnly(name) {
    const { MySQLStore } = await storeModule();
    return new MySQLStore({ uri: url() as string, table: name, poolOptions: { connectionLimit: 4 } });
  },
  async zoho(name) {
    const table = `${name}_zoho`;
    const admin = newPool();
    await admin.query(`DROP TABLE IF EXISTS \`${table}\``);
    // The Zoho DBStore table, minus its primary key: no index on anything looked up.
    await admin.query(`CREATE TABLE \`${table}\` (${RECORD_FIELDS.map((f) => `\`${RECORD_COLUMNS[f]}\` varchar(255)`).join(', ')})`);
    const once = async <T>(body: (c: mysql.Connection) => Promise<T>): Promise<T> => {
      const c = await mysql.createConnection(url() as string);
      try {
        return await body(c);
      } finally {
        await c.end();
      }
    };
    return {
      label: 'new connection per call, string SQL, no index',
      load: (rows) => bulkInsert(admin, table, 0, rows),
      findByUser: (user) =>
        once(async (c) => {
          const [rows] = await c.query(`SELECT ${RECORD_FIELDS.map((f) => `${RECORD_COLUMNS[f]} AS ${f}`).join(', ')} FROM \`${table}\` WHERE user_name = ${sqlLiteral(user)}`);
          return ((rows as TokenRecord[])[0] ?? null) as TokenRecord | null;
        }),
      async save(r) {
        await once((c) => c.query(`DELETE FROM \`${table}\` WHERE user_name = ${sqlLiteral(r.userName)}`));
        await once((c) => c.query(`INSERT INTO \`${table}\` VALUES (${RECORD_FIELDS.map((f) => sqlLiteral(r[f])).join(', ')})`));
      },
      async drop() {
        await admin.query(`DROP TABLE IF EXISTS \`${table}\``);
        await admin.end();
      },
    } satisfies ZohoBaseline;
  },
};
