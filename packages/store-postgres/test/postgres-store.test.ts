import { emptyRecord, type TokenRecord, OAuthToken } from '@tokenstore/core/store-kit';
import pg from 'pg';
import { expectNoSecret as expectNoneOf, expiresAtRoundTripTest, fastPathConflictTest, poolLifecycleTests, rejection, uniqueName } from '@tokenstore/store-testkit';
import { describe, expect, it } from 'vitest';
import { PostgresDriverError, PostgresStore } from '../src/index.js';
import { PG_URL, adminPool, dropStoreTables, storeTracker } from './helpers.js';

/** A duck-typed token (a caller's own token type): the only way left to hand a store a value core's rules refuse. */
const duck = (fields: Partial<TokenRecord>) => ({ toRecord: () => ({ ...emptyRecord(), ...fields }) }) as unknown as OAuthToken;

const admin = adminPool();
const tracker = storeTracker(admin).cleanUpAfterTests(() => admin.end());

async function tableExists(schema: string, table: string): Promise<boolean> {
  const { rows } = await admin.query('SELECT to_regclass($1) AS t', [`"${schema}"."${table}"`]);
  return rows[0].t !== null;
}

/**
 * A store on its own pool that records every statement it sends, to EXPLAIN the real ones rather than
 * copies.
 */
function recorded(table: string) {
  const pool = new pg.Pool({ connectionString: PG_URL, max: 2 });
  const statements: { text: string; values: unknown[] }[] = [];
  const query = pool.query.bind(pool) as (text: string, values?: unknown[]) => Promise<pg.QueryResult>;
  (pool as unknown as { query: typeof query }).query = (text, values) => {
    statements.push({ text, values: values ?? [] });
    return query(text, values);
  };
  return { pool, statements, store: new PostgresStore({ pool, table }) };
}

describe('options', () => {
  it('needs exactly one of pool or connectionString', () => {
    expect(() => new PostgresStore({} as never)).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }));
    const pool = new pg.Pool({ connectionString: PG_URL });
    expect(() => new PostgresStore({ pool, connectionString: PG_URL } as never)).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }));
    expect(() => new PostgresStore({ pool: {} as pg.Pool })).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }));
    return pool.end();
  });

  it('accepts only plain identifiers for schema and table, and table names of at most 40 characters', () => {
    for (const table of ['x"; DROP TABLE y; --', 'a b', '', '1abc', 'a'.repeat(41)]) {
      expect(() => new PostgresStore({ connectionString: PG_URL, table })).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }));
    }
    expect(() => new PostgresStore({ connectionString: PG_URL, schema: 'public"."x' })).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }));
    expect(() => new PostgresStore({ connectionString: PG_URL, migrate: 'yes' as never })).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }));
  });

  it('defaults to the Zoho table name oauthtoken in schema public', async () => {
    const store = new PostgresStore({ connectionString: PG_URL, migrate: false });
    expect([store.schema, store.table]).toEqual(['public', 'oauthtoken']);
    await store.close();
  });
});

describe('migrations', () => {
  it('run on first use, record each version once, and are idempotent', async () => {
    const table = uniqueName('mig');
    const store = tracker.open({ table });
    expect(await tableExists('public', table)).toBe(false);
    expect(await store.getTokens()).toEqual([]);
    expect(await tableExists('public', table)).toBe(true);
    expect(await tableExists('public', `${table}_leases`)).toBe(true);
    const { rows } = await admin.query(`SELECT version, name FROM "public"."${table}_migrations" ORDER BY version`);
    expect(rows).toEqual([
      { version: 1, name: 'token table' },
      { version: 2, name: 'lease table' },
    ]);
    expect(await store.migrate()).toEqual({ version: PostgresStore.SCHEMA_VERSION, applied: [] });
    expect(PostgresStore.SCHEMA_VERSION).toBe(2);
  });

  it('with migrate: false, touch nothing until migrate() is called', async () => {
    const table = uniqueName('mig');
    const store = tracker.open({ table, migrate: false });
    const error = await rejection(store.findTokenById('x'));
    expect(error.code).toBe('STORE_FAILURE');
    expect((error.cause as PostgresDriverError).code).toBe('42P01'); // undefined_table
    expect(await tableExists('public', table)).toBe(false);
    expect(await store.migrate()).toEqual({ version: 2, applied: [1, 2] });
    expect(await store.findTokenById('x')).toBeNull();
  });

  it('create a missing schema, and many processes migrating at once apply each version exactly once', async () => {
    const schema = uniqueName('sch');
    const table = uniqueName('mig');
    try {
      const stores = Array.from({ length: 8 }, () => tracker.open({ schema, table }));
      const results = await Promise.all(stores.map((s) => s.migrate()));
      expect(results.filter((r) => r.applied.length > 0)).toEqual([{ version: 2, applied: [1, 2] }]);
      const { rows } = await admin.query(`SELECT count(*)::int AS n FROM "${schema}"."${table}_migrations"`);
      expect(rows[0].n).toBe(2);
      const saved = await stores[0]!.saveToken(new OAuthToken({ userSignature: { name: 'u' }, accessToken: 'a' }));
      expect((await stores[7]!.findTokenById(saved.id as string))?.accessToken).toBe('a');
    } finally {
      await tracker.cleanup();
      await admin.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
    }
  });
});

describe('lookups', () => {
  it('every lookup statement the store issues is served by an index', async () => {
    const table = uniqueName('idx');
    const { pool, statements, store } = recorded(table);
    try {
      await store.migrate();
      const t = `"public"."${table}"`;
      await admin.query(
        `INSERT INTO ${t} (id, user_name, client_id, grant_token, refresh_token, access_token)
         SELECT 'id-' || g, 'user-' || g, 'client', 'grant-' || g, 'refresh-' || g, 'access-' || g FROM generate_series(1, 5000) g`,
      );
      await admin.query(`ANALYZE ${t}`);
      statements.length = 0;
      await store.findTokenById('id-17');
      await store.findToken(new OAuthToken({ userSignature: { name: 'nobody' }, clientId: 'client', grantToken: 'g-none', refreshToken: 'r-none', accessToken: 'access-9' }));
      const lookups = statements.filter((s) => s.text.startsWith('SELECT'));
      expect(lookups.map((s) => s.text.slice(s.text.indexOf('WHERE')))).toEqual([
        'WHERE "id" = $1',
        'WHERE "user_name" = $1',
        'WHERE "grant_token" = $1',
        'WHERE "refresh_token" = $1',
        'WHERE "access_token" = $1',
      ]);
      const indexes = [`${table}_id_uq`, `${table}_user_name_uq`, `${table}_grant_token_ix`, `${table}_refresh_token_ix`, `${table}_access_token_ix`];
      for (const [i, lookup] of lookups.entries()) {
        const { rows } = await admin.query(`EXPLAIN ${lookup.text}`, lookup.values);
        const plan = rows.map((r) => r['QUERY PLAN']).join('\n');
        // "Index Scan using <index> on <table>" or "Bitmap Index Scan on <index>".
        expect(plan).toMatch(new RegExp(`Index Scan (using|on) ${indexes[i]} `));
        expect(plan).not.toContain('Seq Scan');
      }
    } finally {
      await store.close();
      await pool.end();
      await dropStoreTables(admin, table);
    }
  });

  it('match byte for byte: case, trailing spaces and Unicode normalisation all count', async () => {
    const store = tracker.open({ table: uniqueName('bytes') });
    const upper = await store.saveToken(new OAuthToken({ userSignature: { name: 'ABC' }, accessToken: 'x' }));
    const lower = await store.saveToken(new OAuthToken({ userSignature: { name: 'abc' }, accessToken: 'x ' }));
    expect(upper.id).not.toBe(lower.id);
    expect((await store.findToken(new OAuthToken({ userSignature: { name: 'abc' } })))?.id).toBe(lower.id);
    expect((await store.findToken(new OAuthToken({ accessToken: 'x' })))?.id).toBe(upper.id);
    expect((await store.findToken(new OAuthToken({ accessToken: 'x ' })))?.id).toBe(lower.id);
    expect(await store.findToken(new OAuthToken({ accessToken: 'X' }))).toBeNull();
    // U+00E9 and e + U+0301 look alike but are different strings.
    await store.saveToken(new OAuthToken({ userSignature: { name: '\u00e9' }, accessToken: 'nfc' }));
    expect(await store.findToken(new OAuthToken({ userSignature: { name: 'e\u0301' } }))).toBeNull();
    expect(await store.getTokens()).toHaveLength(3);
  });

  it('store values of 8 KiB in the unique columns too (no B-tree entry limit)', async () => {
    const store = tracker.open({ table: uniqueName('long') });
    // Random hex does not compress: a B-tree unique index would reject it (limit 2704 bytes).
    const long = (seed: string) => Array.from({ length: 256 }, (_, i) => `${seed}${i}`.padEnd(32, 'x')).join('').slice(0, 8192) + crypto.randomUUID();
    const id = long('id');
    const name = long('user');
    await store.saveToken(new OAuthToken({ id, userSignature: { name }, accessToken: long('a'), refreshToken: long('r'), clientId: 'c' }));
    const again = await store.saveToken(new OAuthToken({ userSignature: { name }, accessToken: 'new' }));
    expect(again.id).toBe(id);
    expect((await store.findTokenById(id))?.userSignature?.name).toBe(name);
    expect(await store.getTokens()).toHaveLength(1);
  });

  it("reject NUL characters, which PostgreSQL text cannot hold, before any statement (core's rule: INVALID_ARGUMENT, value-free)", async () => {
    const store = tracker.open({ table: uniqueName('nul') });
    // A real OAuthToken cannot carry NUL any more; a duck-typed token (a caller's own type) still can try.
    const token = duck({ userName: 'u', accessToken: 'a\0b' });
    for (const call of [store.saveToken(token), store.findToken(token), store.findTokenById('\0'), store.deleteToken('\0')]) {
      const error = await rejection(call);
      expect(error.code).toBe('INVALID_ARGUMENT');
      expect(error.message).not.toContain('a\0b');
    }
    expect(await store.getTokens()).toEqual([]);
  });

  expiresAtRoundTripTest(() => tracker.open({ table: uniqueName('exp') }));
});

describe('saves with id and user name (the fast path)', () => {
  it("replace the user's own record, or adopt an unbound one, in one UPDATE served by the id index", async () => {
    const table = uniqueName('fast');
    const { pool, statements, store } = recorded(table);
    try {
      const own = await store.saveToken(new OAuthToken({ userSignature: { name: 'alice' }, accessToken: 'a1', scope: 'old' }));
      const unbound = await store.saveToken(new OAuthToken({ accessToken: 'u1' }));
      // Enough rows that the planner's choice means something.
      const t = `"public"."${table}"`;
      await admin.query(`INSERT INTO ${t} (id, user_name, access_token) SELECT 'id-' || g, 'user-' || g, 'access-' || g FROM generate_series(1, 5000) g`);
      await admin.query(`ANALYZE ${t}`);
      statements.length = 0;
      const updated = await store.saveToken(new OAuthToken({ id: own.id, userSignature: { name: 'alice' }, accessToken: 'a2' }));
      const adopted = await store.saveToken(new OAuthToken({ id: unbound.id, userSignature: { name: 'bob' }, accessToken: 'b1' }));
      expect(statements.map((s) => s.text.slice(s.text.indexOf('WHERE')))).toEqual([
        'WHERE "id" = $1 AND ("user_name" IS NULL OR "user_name" = $2)',
        'WHERE "id" = $1 AND ("user_name" IS NULL OR "user_name" = $2)',
      ]);
      expect((await store.findTokenById(own.id as string))?.toRecord()).toEqual(updated.toRecord());
      expect((await store.findTokenById(unbound.id as string))?.toRecord()).toEqual(adopted.toRecord());
      const { rows } = await admin.query(`EXPLAIN ${statements[0]?.text}`, statements[0]?.values);
      const plan = rows.map((r) => r['QUERY PLAN']).join('\n');
      expect(plan).toMatch(new RegExp(`Index Scan (using|on) ${table}_id_uq `));
      expect(plan).not.toContain('Seq Scan');
    } finally {
      await store.close();
      await pool.end();
      await dropStoreTables(admin, table);
    }
  });

  it("compare user names byte for byte: with the id of 'alice ' a save for 'alice' falls back and rejects", async () => {
    const store = tracker.open({ table: uniqueName('fastbytes') });
    const spaced = await store.saveToken(new OAuthToken({ userSignature: { name: 'alice ' }, accessToken: 'x' }));
    expect((await rejection(store.saveToken(new OAuthToken({ id: spaced.id, userSignature: { name: 'alice' }, accessToken: 'y' })))).code).toBe('STORE_CONFLICT');
    expect((await store.findTokenById(spaced.id as string))?.toRecord()).toEqual(spaced.toRecord());
  });

  fastPathConflictTest(() => tracker.open({ table: uniqueName('fastconflict') }));

  it('a NUL in the id or user name is rejected before the fast path runs, and the record is left alone', async () => {
    const store = tracker.open({ table: uniqueName('fastnul') });
    const own = await store.saveToken(new OAuthToken({ userSignature: { name: 'alice' }, accessToken: 'a1' }));
    for (const token of [duck({ id: 'x\0y', userName: 'alice', accessToken: 'a2' }), duck({ id: own.id as string, userName: 'alice\0', accessToken: 'a2' })]) {
      expect((await rejection(store.saveToken(token))).code).toBe('INVALID_ARGUMENT');
    }
    expect((await store.findTokenById(own.id as string))?.accessToken).toBe('a1');
  });
});

describe('connections', () => {
  poolLifecycleTests({
    url: PG_URL,
    open: (table, connectionString) => tracker.open(connectionString === undefined ? { table } : { table, connectionString }),
    expectPoolEnded: (store) => expect(store.pool.ended).toBe(true),
    driverError: PostgresDriverError,
    authFailure: { code: '28P01', cause: { code: '28P01' } },
    poolLimitName: '`max`',
    onAppPool(table, limit) {
      const pool = new pg.Pool({ connectionString: PG_URL, max: limit, application_name: table });
      let connects = 0;
      pool.on('connect', () => connects++);
      return {
        store: new PostgresStore({ pool, table }),
        connects: () => connects,
        async afterLoad() {
          const { rows } = await admin.query('SELECT count(*)::int AS n FROM pg_stat_activity WHERE application_name = $1', [table]);
          expect(rows[0].n).toBeLessThanOrEqual(limit);
        },
        async expectOpen() {
          expect((await pool.query('SELECT 1 AS one')).rows).toEqual([{ one: 1 }]);
        },
        async end() {
          await pool.end();
          await dropStoreTables(admin, table);
        },
      };
    },
  });
});

describe('driver errors', () => {
  const secrets = { clientSecret: 'CS-9f2b1c', refreshToken: 'RT-77aa10', accessToken: 'AT-5e5e42', grantToken: 'GT-0c0c33' };

  const expectNoSecret = (error: unknown) => expectNoneOf(error, Object.values(secrets));

  it('a constraint violation whose DETAIL holds the row reaches the caller without any value', async () => {
    const table = uniqueName('chk');
    const store = tracker.open({ table });
    await store.migrate();
    // PostgreSQL's DETAIL for this error is "Failing row contains (... every column ...)".
    await admin.query(`ALTER TABLE "public"."${table}" ADD CONSTRAINT no_such_scope CHECK (scope IS DISTINCT FROM 'forbidden')`);
    const error = await rejection(store.saveToken(new OAuthToken({ userSignature: { name: 'u' }, clientId: 'c', scope: 'forbidden', ...secrets })));
    expect(error.code).toBe('STORE_FAILURE');
    expect(error.cause).toBeInstanceOf(PostgresDriverError);
    expect(error.cause).toMatchObject({ code: '23514', constraint: 'no_such_scope', table });
    expectNoSecret(error);
  });

  it('a data exception, whose message quotes the rejected value, is reported without the message', async () => {
    const table = uniqueName('typ');
    const store = tracker.open({ table });
    await store.migrate();
    await admin.query(`ALTER TABLE "public"."${table}" ALTER COLUMN access_token TYPE integer USING NULL`);
    const error = await rejection(store.saveToken(new OAuthToken({ userSignature: { name: 'u' }, ...secrets })));
    expect(error.code).toBe('STORE_FAILURE');
    expect((error.cause as PostgresDriverError).code).toBe('22P02'); // invalid_text_representation
    expect(error.message).toContain('PostgreSQL error 22P02');
    expectNoSecret(error);
  });
});
