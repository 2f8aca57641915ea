import { OAuthToken } from '@tokenstore/core';
import mysql from 'mysql2/promise';
import { expectNoSecret as expectNoneOf, expiresAtRoundTripTest, fastPathConflictTest, poolLifecycleTests, rejection, uniqueName } from '@tokenstore/store-testkit';
import { describe, expect, it } from 'vitest';
import { MySQLDriverError, MySQLStore } from '../src/index.js';
import { sanitizeDriverError, toStoreError } from '../src/mysql-errors.js';
import { MYSQL_URL, adminPool, storeTracker } from './helpers.js';

const admin = adminPool();
const tracker = storeTracker(admin).cleanUpAfterTests(() => admin.end());

async function tableExists(table: string): Promise<boolean> {
  const [rows] = await admin.execute<mysql.RowDataPacket[]>('SELECT 1 FROM information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = ?', [table]);
  return rows.length > 0;
}

describe('options', () => {
  it('needs exactly one of pool or uri, and a mysql2 pool', async () => {
    expect(() => new MySQLStore({} as never)).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }));
    const pool = mysql.createPool({ uri: MYSQL_URL });
    expect(() => new MySQLStore({ pool, uri: MYSQL_URL } as never)).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }));
    expect(() => new MySQLStore({ pool: {} as mysql.Pool })).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }));
    await pool.end();
  });

  it('accepts only plain identifiers of at most 53 characters as table', () => {
    for (const table of ['x`; DROP TABLE y; --', 'a b', '', '1abc', 'a'.repeat(54)]) {
      expect(() => new MySQLStore({ uri: MYSQL_URL, table })).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }));
    }
    expect(() => new MySQLStore({ uri: MYSQL_URL, migrate: 1 as never })).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }));
  });

  it('defaults to the Zoho table name oauthtoken', async () => {
    const store = new MySQLStore({ uri: MYSQL_URL, migrate: false });
    expect(store.table).toBe('oauthtoken');
    await store.close();
  });

  it('takes a callback pool too, through its promise() wrapper', async () => {
    const { createPool } = await import('mysql2');
    const callbackPool = createPool({ uri: MYSQL_URL, connectionLimit: 2 });
    const table = uniqueName('cb');
    tracker.track(table);
    const store = new MySQLStore({ pool: callbackPool, table });
    try {
      const saved = await store.saveToken(new OAuthToken({ userSignature: { name: 'u' }, accessToken: 'a' }));
      expect((await store.findTokenById(saved.id as string))?.accessToken).toBe('a');
    } finally {
      await store.close();
      await callbackPool.promise().end();
    }
  });
});

describe('migrations', () => {
  it('run on first use, record each version once, and are idempotent', async () => {
    const table = uniqueName('mig');
    const store = tracker.open({ table });
    expect(await tableExists(table)).toBe(false);
    expect(await store.getTokens()).toEqual([]);
    expect(await tableExists(table)).toBe(true);
    expect(await tableExists(`${table}_leases`)).toBe(true);
    const [rows] = await admin.query<mysql.RowDataPacket[]>(`SELECT version, name FROM \`${table}_migrations\` ORDER BY version`);
    expect(rows.map((r) => ({ ...r }))).toEqual([
      { version: 1, name: 'token table' },
      { version: 2, name: 'lease table' },
    ]);
    expect(await store.migrate()).toEqual({ version: MySQLStore.SCHEMA_VERSION, applied: [] });
    expect(MySQLStore.SCHEMA_VERSION).toBe(2);
  });

  it('with migrate: false, touch nothing until migrate() is called', async () => {
    const table = uniqueName('mig');
    const store = tracker.open({ table, migrate: false });
    const error = await rejection(store.findTokenById('x'));
    expect(error.code).toBe('STORE_FAILURE');
    expect(error.cause).toMatchObject({ code: 'ER_NO_SUCH_TABLE', errno: 1146 });
    expect(await tableExists(table)).toBe(false);
    expect(await store.migrate()).toEqual({ version: 2, applied: [1, 2] });
    expect(await store.findTokenById('x')).toBeNull();
  });

  it('many processes migrating one new table at once apply each version exactly once', async () => {
    const table = uniqueName('mig');
    const stores = Array.from({ length: 8 }, () => tracker.open({ table }));
    const results = await Promise.all(stores.map((s) => s.migrate()));
    expect(results.filter((r) => r.applied.length > 0)).toEqual([{ version: 2, applied: [1, 2] }]);
    const [rows] = await admin.query<mysql.RowDataPacket[]>(`SELECT COUNT(*) AS n FROM \`${table}_migrations\``);
    expect(Number(rows[0]?.n)).toBe(2);
  });
});

describe('lookups', () => {
  it('every lookup statement the store issues is served by an index', async () => {
    const table = uniqueName('idx');
    tracker.track(table);
    const pool = mysql.createPool({ uri: MYSQL_URL, connectionLimit: 2 });
    const statements: { sql: string; values: unknown[] }[] = [];
    const execute = pool.execute.bind(pool) as (sql: string, values: unknown[]) => Promise<unknown>;
    // Record every statement the store sends, to EXPLAIN the real ones rather than copies.
    (pool as unknown as { execute: typeof execute }).execute = (sql, values) => {
      statements.push({ sql, values });
      return execute(sql, values);
    };
    const store = new MySQLStore({ pool, table });
    try {
      await store.migrate();
      const rows = Array.from({ length: 5000 }, (_, i) => [`id-${i}`, `user-${i}`, 'client', `grant-${i}`, `refresh-${i}`, `access-${i}`]);
      await admin.query(`INSERT INTO \`${table}\` (id, user_name, client_id, grant_token, refresh_token, access_token) VALUES ?`, [rows]);
      await admin.query(`ANALYZE TABLE \`${table}\``);
      statements.length = 0;
      await store.findTokenById('id-17');
      // Values that exist: for a unique key and a value that does not, the optimizer answers from the
      // index while planning and EXPLAIN shows no key at all ("Impossible WHERE").
      await store.findToken(new OAuthToken({ userSignature: { name: 'user-5' } }));
      await store.findToken(new OAuthToken({ clientId: 'client', grantToken: 'grant-6' }));
      await store.findToken(new OAuthToken({ clientId: 'client', refreshToken: 'refresh-7' }));
      await store.findToken(new OAuthToken({ accessToken: 'access-9' }));
      await store.deleteToken('id-18');
      const lookups = statements.filter((s) => /^(SELECT|DELETE)/.test(s.sql));
      expect(lookups.map((s) => s.sql.slice(s.sql.indexOf('WHERE')))).toEqual([
        'WHERE `id_sha256` = ?',
        'WHERE `user_name_sha256` = ?',
        'WHERE `grant_token_sha256` = ?',
        'WHERE `refresh_token_sha256` = ?',
        'WHERE `access_token_sha256` = ?',
        'WHERE `id_sha256` = ?',
      ]);
      const indexes = ['id_uq', 'user_name_uq', 'grant_token_ix', 'refresh_token_ix', 'access_token_ix', 'id_uq'];
      for (const [i, lookup] of lookups.entries()) {
        const [plan] = await pool.query<mysql.RowDataPacket[]>(`EXPLAIN ${lookup.sql}`, lookup.values);
        expect(plan).toHaveLength(1);
        expect({ key: plan[0]?.key, type: plan[0]?.type }).toMatchObject({ key: indexes[i], type: expect.stringMatching(/^(const|ref|range)$/) });
      }
    } finally {
      await store.close();
      await pool.end();
    }
  });

  it("match byte for byte: 'ABC' is not 'abc' and 'x ' is not 'x', despite MySQL's collations", async () => {
    const store = tracker.open({ table: uniqueName('bytes') });
    const upper = await store.saveToken(new OAuthToken({ userSignature: { name: 'ABC' }, accessToken: 'x' }));
    const lower = await store.saveToken(new OAuthToken({ userSignature: { name: 'abc' }, accessToken: 'x ' }));
    const spaced = await store.saveToken(new OAuthToken({ userSignature: { name: 'abc ' }, accessToken: 'X' }));
    expect(new Set([upper.id, lower.id, spaced.id]).size).toBe(3);
    expect((await store.findToken(new OAuthToken({ userSignature: { name: 'abc' } })))?.id).toBe(lower.id);
    expect((await store.findToken(new OAuthToken({ userSignature: { name: 'ABC' } })))?.id).toBe(upper.id);
    expect((await store.findToken(new OAuthToken({ userSignature: { name: 'abc ' } })))?.id).toBe(spaced.id);
    expect(await store.findToken(new OAuthToken({ userSignature: { name: 'Abc' } }))).toBeNull();
    expect((await store.findToken(new OAuthToken({ accessToken: 'x' })))?.id).toBe(upper.id);
    expect((await store.findToken(new OAuthToken({ accessToken: 'x ' })))?.id).toBe(lower.id);
    expect((await store.findToken(new OAuthToken({ accessToken: 'X' })))?.id).toBe(spaced.id);
    // Ids too: 'id' and 'id ' are two records, not a duplicate key.
    await store.saveToken(new OAuthToken({ id: 'id', accessToken: '1' }));
    await store.saveToken(new OAuthToken({ id: 'id ', accessToken: '2' }));
    await store.saveToken(new OAuthToken({ id: 'ID', accessToken: '3' }));
    expect((await store.findTokenById('id '))?.accessToken).toBe('2');
    // Accents: 'é' is not 'e' (MySQL's _ci collations would say they are equal).
    await store.saveToken(new OAuthToken({ userSignature: { name: 'jos\u00e9' }, accessToken: 'accent' }));
    expect(await store.findToken(new OAuthToken({ userSignature: { name: 'jose' } }))).toBeNull();
    expect(await store.getTokens()).toHaveLength(7);
  });

  it('hold values up to 65,535 bytes and refuse longer ones instead of truncating them', async () => {
    const store = tracker.open({ table: uniqueName('long') });
    const max = 'é'.repeat(32_767) + 'x'; // 65,535 bytes of UTF-8
    const saved = await store.saveToken(new OAuthToken({ userSignature: { name: max }, accessToken: max, refreshToken: max, clientId: 'c' }));
    expect((await store.findToken(new OAuthToken({ accessToken: max })))?.id).toBe(saved.id);
    expect((await store.findTokenById(saved.id as string))?.userSignature?.name).toBe(max);
    const error = await rejection(store.saveToken(new OAuthToken({ userSignature: { name: 'v' }, accessToken: `${max}y` })));
    expect(error.code).toBe('INVALID_ARGUMENT');
    expect(error.message).toContain('accessToken');
    expect(await store.findToken(new OAuthToken({ accessToken: `${max}y` }))).toBeNull();
  });

  expiresAtRoundTripTest(() => tracker.open({ table: uniqueName('exp') }));
});

describe('saves with id and user name (the fast path)', () => {
  /** A store on its own pool that records every statement it sends. */
  function recorded(table: string, poolOptions: mysql.PoolOptions = {}) {
    tracker.track(table);
    const pool = mysql.createPool({ uri: MYSQL_URL, connectionLimit: 2, ...poolOptions });
    const statements: { sql: string; values: unknown[] }[] = [];
    const execute = pool.execute.bind(pool) as (sql: string, values: unknown[]) => Promise<unknown>;
    (pool as unknown as { execute: typeof execute }).execute = (sql, values) => {
      statements.push({ sql, values });
      return execute(sql, values);
    };
    return { pool, statements, store: new MySQLStore({ pool, table }) };
  }

  it("replace the user's own record, or adopt an unbound one, in one UPDATE on the hash columns, served by the id index", async () => {
    const table = uniqueName('fast');
    const { pool, statements, store } = recorded(table);
    try {
      const own = await store.saveToken(new OAuthToken({ userSignature: { name: 'alice' }, accessToken: 'a1', scope: 'old' }));
      const unbound = await store.saveToken(new OAuthToken({ accessToken: 'u1' }));
      statements.length = 0;
      const updated = await store.saveToken(new OAuthToken({ id: own.id, userSignature: { name: 'alice' }, accessToken: 'a2' }));
      const adopted = await store.saveToken(new OAuthToken({ id: unbound.id, userSignature: { name: 'bob' }, accessToken: 'b1' }));
      const where = 'WHERE t.`id_sha256` = ? AND (t.`user_name_sha256` IS NULL OR t.`user_name_sha256` = ?)';
      expect(statements.map((s) => s.sql.slice(s.sql.indexOf('WHERE')))).toEqual([where, where]);
      expect((await store.findTokenById(own.id as string))?.toRecord()).toEqual(updated.toRecord());
      expect((await store.findTokenById(unbound.id as string))?.toRecord()).toEqual(adopted.toRecord());
      const [plan] = await pool.query<mysql.RowDataPacket[]>(`EXPLAIN ${statements[0]?.sql}`, statements[0]?.values);
      expect(plan[0]?.key).toBe('id_uq');
    } finally {
      await store.close();
      await pool.end();
    }
  });

  it("compare user names by hash, not under PAD SPACE: with the id of 'alice ' a save for 'alice' falls back and rejects", async () => {
    const store = tracker.open({ table: uniqueName('fastbytes') });
    const spaced = await store.saveToken(new OAuthToken({ userSignature: { name: 'alice ' }, accessToken: 'x' }));
    expect((await rejection(store.saveToken(new OAuthToken({ id: spaced.id, userSignature: { name: 'alice' }, accessToken: 'y' })))).code).toBe('STORE_CONFLICT');
    expect((await store.findTokenById(spaced.id as string))?.toRecord()).toEqual(spaced.toRecord());
    // And 'ALICE' is not 'alice'.
    const upper = await store.saveToken(new OAuthToken({ userSignature: { name: 'ALICE' }, accessToken: 'u' }));
    expect((await rejection(store.saveToken(new OAuthToken({ id: upper.id, userSignature: { name: 'alice' }, accessToken: 'z' })))).code).toBe('STORE_CONFLICT');
    expect((await store.findTokenById(upper.id as string))?.toRecord()).toEqual(upper.toRecord());
  });

  fastPathConflictTest(() => tracker.open({ table: uniqueName('fastconflict') }));

  it('on a pool without FOUND_ROWS, an unchanged save still succeeds (the ordinary path confirms it)', async () => {
    const table = uniqueName('fastrows');
    const { pool, statements, store } = recorded(table, { flags: ['-FOUND_ROWS'] });
    try {
      const token = new OAuthToken({ id: 'fixed', userSignature: { name: 'alice' }, accessToken: 'a1' });
      await store.saveToken(token);
      statements.length = 0;
      const again = await store.saveToken(token);
      expect(again.toRecord()).toEqual(token.toRecord());
      // The UPDATE reports 0 changed rows; find, replace (0 again) and the existence check follow.
      expect(statements.map((s) => s.sql.split(' ')[0])).toEqual(['UPDATE', 'SELECT', 'UPDATE', 'SELECT']);
      expect(await store.getTokens()).toHaveLength(1);
    } finally {
      await store.close();
      await pool.end();
    }
  });
});

describe('connections', () => {
  poolLifecycleTests({
    url: MYSQL_URL,
    open: (table, uri) => tracker.open(uri === undefined ? { table } : { table, uri }),
    expectPoolEnded: (store) => expect(store.pool.query('SELECT 1')).rejects.toThrow('Pool is closed.'),
    driverError: MySQLDriverError,
    authFailure: { code: 'ER_ACCESS_DENIED_ERROR', cause: { code: 'ER_ACCESS_DENIED_ERROR', errno: 1045 } },
    poolLimitName: 'connectionLimit',
    onAppPool(table, limit) {
      tracker.track(table);
      const pool = mysql.createPool({ uri: MYSQL_URL, connectionLimit: limit });
      let connects = 0;
      pool.pool.on('connection', () => connects++);
      return {
        store: new MySQLStore({ pool, table }),
        connects: () => connects,
        async expectOpen() {
          const [rows] = await pool.query<mysql.RowDataPacket[]>('SELECT 1 AS one');
          expect(rows[0]?.one).toBe(1);
        },
        end: () => pool.end(),
      };
    },
  });
});

describe('driver errors', () => {
  const secrets = { clientSecret: 'CS-9f2b1c', refreshToken: 'RT-77aa10', accessToken: 'AT-5e5e42', grantToken: 'GT-0c0c33' };

  const expectNoSecret = (error: unknown) => expectNoneOf(error, Object.values(secrets));

  it("a duplicate-key error, whose message and sql quote the value, is reduced to a value-free cause", async () => {
    const table = uniqueName('dup');
    tracker.track(table);
    await admin.query(`CREATE TABLE \`${table}\` (k VARCHAR(50) PRIMARY KEY)`);
    await admin.execute(`INSERT INTO \`${table}\` VALUES (?)`, [secrets.accessToken]);
    // query() interpolates: the raw error's sql and message both hold the value.
    const raw = await admin.query(`INSERT INTO \`${table}\` VALUES (?)`, [secrets.accessToken]).then(
      () => {
        throw new Error('expected a duplicate');
      },
      (e: unknown) => e as Error & { sql: string },
    );
    expect(raw.message).toContain(secrets.accessToken);
    expect(raw.sql).toContain(secrets.accessToken);
    const cause = sanitizeDriverError(raw);
    expect(cause).toMatchObject({ code: 'ER_DUP_ENTRY', errno: 1062, sqlState: '23000', message: 'MySQL error 1062 (ER_DUP_ENTRY)' });
    expectNoSecret(cause);
    const wrapped = toStoreError(raw, 'saveToken');
    expect(wrapped.code).toBe('STORE_CONFLICT');
    expectNoSecret(wrapped);
  });

  it('a save that hits a unique index the app added fails with STORE_CONFLICT and no value', async () => {
    const table = uniqueName('uq');
    const store = tracker.open({ table });
    await store.migrate();
    await admin.query(`ALTER TABLE \`${table}\` ADD UNIQUE KEY app_secret_uq (client_secret(64))`);
    await store.saveToken(new OAuthToken({ userSignature: { name: 'a' }, ...secrets }));
    const error = await rejection(store.saveToken(new OAuthToken({ userSignature: { name: 'b' }, ...secrets })));
    expect(error.code).toBe('STORE_CONFLICT');
    expectNoSecret(error);
    expect(await store.getTokens()).toHaveLength(1);
  });

  it('a data error, whose message quotes the rejected value, is reported without the message', async () => {
    const table = uniqueName('typ');
    const store = tracker.open({ table });
    await store.migrate();
    await admin.query(`ALTER TABLE \`${table}\` MODIFY client_secret INT NULL`);
    const error = await rejection(store.saveToken(new OAuthToken({ userSignature: { name: 'u' }, ...secrets })));
    expect(error.code).toBe('STORE_FAILURE');
    expect(error.cause).toMatchObject({ code: 'ER_TRUNCATED_WRONG_VALUE_FOR_FIELD', errno: 1366 });
    expect(error.message).toContain('MySQL error 1366');
    expectNoSecret(error);
  });
});
