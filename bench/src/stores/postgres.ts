import { RECORD_COLUMNS, RECORD_FIELDS, type TokenRecord } from '@tokenstore/core/store-kit';
import pg from 'pg';
import { benchRowSql } from '../lib/tokens.js';
import { serverLifecycle, serverUnavailable } from './server.js';
import { sqlLiteral, type StoreAdapter, type ZohoBaseline } from './types.js';

const url = () => process.env.TOKENSTORE_PG_URL;
const COLS = RECORD_FIELDS.map((f) => `"${RECORD_COLUMNS[f]}"`);
const OTHERS = RECORD_FIELDS.filter((f) => f !== 'id');

async function storeModule() {
  const mod = (await import('@tokenstore/store-postgres')) as Record<string, unknown>;
  if (typeof mod.PostgresStore !== 'function') throw new Error('@tokenstore/store-postgres exports no PostgresStore yet');
  return mod as unknown as typeof import('@tokenstore/store-postgres');
}

function newPool(): pg.Pool {
  const pool = new pg.Pool({ connectionString: url(), max: 10, application_name: 'tokenstore-bench' });
  pool.on('error', () => {});
  return pool;
}

async function dropTables(pool: pg.Pool, table: string): Promise<void> {
  await pool.query(`DROP TABLE IF EXISTS "${table}", "${table}_leases", "${table}_migrations"`);
}

export const postgresAdapter: StoreAdapter = {
  kind: 'postgres',
  label: 'PostgresStore',
  shared: true,
  unavailable: () =>
    serverUnavailable({
      env: 'TOKENSTORE_PG_URL',
      url: url(),
      storeModule,
      server: 'PostgreSQL',
      async probe() {
        const client = new pg.Client({ connectionString: url(), connectionTimeoutMillis: 3000 });
        await client.connect();
        await client.end();
      },
    }),
  async open(name) {
    const { PostgresStore } = await storeModule();
    const pool = newPool();
    await dropTables(pool, name);
    const store = new PostgresStore({ pool, table: name });
    await store.migrate();
    const t = `"public"."${name}"`;
    const findByUser = `SELECT ${COLS.join(', ')} FROM ${t} WHERE "user_name" = $1`;
    const findById = `SELECT ${COLS.join(', ')} FROM ${t} WHERE "id" = $1`;
    const update = `UPDATE ${t} SET ${OTHERS.map((f, k) => `"${RECORD_COLUMNS[f]}" = $${k + 2}`).join(', ')} WHERE "id" = $1`;
    const updateValues = (r: TokenRecord) => [r.id, ...OTHERS.map((f) => r[f])];
    return {
      kind: 'postgres',
      store,
      async bulkLoad(from, to) {
        // Server-side generation: one INSERT ... SELECT per 200k rows, no row crosses the wire.
        for (let i = from; i < to; i += 200_000) {
          const end = Math.min(to, i + 200_000);
          await pool.query(
            `INSERT INTO ${t} (${COLS.join(', ')}) SELECT ${benchRowSql('i', (...p) => p.join(' || ')).join(', ')} FROM generate_series($1::bigint, $2::bigint) AS s(i)`,
            [i, end - 1],
          );
        }
      },
      analyze: async () => void (await pool.query(`ANALYZE ${t}`)),
      leaseCount: async () => Number((await pool.query(`SELECT count(*)::int AS n FROM "public"."${name}_leases"`)).rows[0].n),
      raw: {
        label: 'pg pool.query, same Pool',
        findByUser: async (user) => (await pool.query(findByUser, [user])).rows[0],
        updateById: (r) => pool.query(update, updateValues(r)),
        selectThenUpdate: async (r) => {
          await pool.query(findById, [r.id]);
          return pool.query(update, updateValues(r));
        },
      },
      ...serverLifecycle(store, () => dropTables(pool, name), () => pool.end()),
    };
  },
  async openStoreOnly(name) {
    const { PostgresStore } = await storeModule();
    return new PostgresStore({ connectionString: url() as string, table: name, poolConfig: { max: 4 } });
  },
  async zoho(name) {
    const table = `${name}_zoho`;
    const admin = newPool();
    await admin.query(`DROP TABLE IF EXISTS "${table}"`);
    // Zoho-era layout: no index at all, expiry as text.
    await admin.query(`CREATE TABLE "${table}" (${RECORD_FIELDS.map((f) => `"${RECORD_COLUMNS[f]}" text`).join(', ')})`);
    const once = async <T>(body: (c: pg.Client) => Promise<T>): Promise<T> => {
      const client = new pg.Client({ connectionString: url() });
      await client.connect();
      try {
        return await body(client);
      } finally {
        await client.end();
      }
    };
    return {
      label: 'new pg.Client per call, string SQL, no index',
      async load(rows) {
        await admin.query(`INSERT INTO "${table}" SELECT ${benchRowSql('i', (...p) => p.join(' || ')).join(', ')} FROM generate_series(0, ${rows - 1}) AS s(i)`);
      },
      findByUser: (user) =>
        once(async (c) => {
          const row = (await c.query(`SELECT ${RECORD_FIELDS.map((f) => `"${RECORD_COLUMNS[f]}" AS "${f}"`).join(', ')} FROM "${table}" WHERE user_name = ${sqlLiteral(user)}`)).rows[0];
          return row ?? null;
        }),
      async save(r) {
        await once((c) => c.query(`DELETE FROM "${table}" WHERE user_name = ${sqlLiteral(r.userName)}`));
        await once((c) => c.query(`INSERT INTO "${table}" VALUES (${RECORD_FIELDS.map((f) => sqlLiteral(r[f])).join(', ')})`));
      },
      async drop() {
        await admin.query(`DROP TABLE IF EXISTS "${table}"`);
        await admin.end();
      },
    } satisfies ZohoBaseline;
  },
};
