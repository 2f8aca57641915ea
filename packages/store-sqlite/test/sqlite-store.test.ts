import { inspect } from 'node:util';
import { join } from 'node:path';
import { readFileSync, statSync, writeFileSync } from 'node:fs';
import BetterSqlite3 from 'better-sqlite3';
import { OAuthToken } from '@tokenstore/core';
import { fastPathConflictTest, leaseBasicsTests, rejectsWith } from '@tokenstore/store-testkit';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SQLiteStore } from '../src/index.js';
import { tempDir } from './helpers.js';

let dir: string;
let cleanup: () => void;
const opened: { close(): unknown }[] = [];

beforeEach(() => {
  ({ dir, cleanup } = tempDir());
});
afterEach(async () => {
  for (const s of opened.splice(0)) await s.close();
  cleanup();
});

function store(options: Partial<ConstructorParameters<typeof SQLiteStore>[0]> = {}): SQLiteStore {
  const s = new SQLiteStore({ filename: join(dir, 'tokens.db'), ...options } as ConstructorParameters<typeof SQLiteStore>[0]);
  opened.push(s);
  return s;
}

function raw(filename = join(dir, 'tokens.db')): BetterSqlite3.Database {
  const db = new BetterSqlite3(filename);
  opened.push(db);
  return db;
}

const SECRET = 'sk-live-DO-NOT-LEAK-4f1a';

describe('options', () => {
  it('rejects a table name that is not a plain identifier, before touching the file', async () => {
    for (const table of ['x"; DROP TABLE oauthtoken; --', 'a b', '', '1abc', 'a'.repeat(64)]) {
      await rejectsWith(() => new SQLiteStore({ filename: join(dir, 'bad.db'), table }), 'INVALID_ARGUMENT');
    }
    expect(() => readFileSync(join(dir, 'bad.db'))).toThrow(/ENOENT/);
  });

  it('needs exactly one of filename or database', async () => {
    await rejectsWith(() => new SQLiteStore({} as never), 'INVALID_ARGUMENT');
    const db = raw(':memory:');
    await rejectsWith(() => new SQLiteStore({ filename: ':memory:', database: db } as never), 'INVALID_ARGUMENT');
    await rejectsWith(() => new SQLiteStore({ filename: '' }), 'INVALID_ARGUMENT');
    await rejectsWith(() => new SQLiteStore({ filename: ':memory:', busyTimeoutMs: -1 }), 'INVALID_ARGUMENT');
  });

  it('creates a new database file, and its WAL, readable by the owner only (0600)', async () => {
    const previous = process.umask(0o022);
    try {
      const s = store();
      await s.saveToken(new OAuthToken({ userSignature: { name: 'u' }, refreshToken: 'r', clientId: 'c' }));
      expect(statSync(join(dir, 'tokens.db')).mode & 0o777).toBe(0o600);
      expect(statSync(join(dir, 'tokens.db-wal')).mode & 0o777).toBe(0o600);
    } finally {
      process.umask(previous);
    }
  });

  it('works in memory, each instance private', async () => {
    const a = store({ filename: ':memory:' });
    const b = store({ filename: ':memory:' });
    await a.saveToken(new OAuthToken({ userSignature: { name: 'u' }, accessToken: 'x' }));
    expect(await a.getTokens()).toHaveLength(1);
    expect(await b.getTokens()).toHaveLength(0);
  });
});

describe('schema', () => {
  it('creates a STRICT table, partial unique/lookup indexes, a lease table and user_version 1, in WAL mode', () => {
    const s = store();
    const db = s.database;
    expect(SQLiteStore.SCHEMA_VERSION).toBe(1);
    expect(db.pragma('user_version', { simple: true })).toBe(1);
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(db.pragma('busy_timeout', { simple: true })).toBe(5000);
    expect(db.pragma('synchronous', { simple: true })).toBe(2); // FULL
    const sql = (name: string) => (db.prepare('SELECT sql FROM sqlite_master WHERE name = ?').pluck().get(name) as string) ?? '';
    expect(sql('oauthtoken')).toMatch(/STRICT$/);
    expect(sql('oauthtoken')).toMatch(/"expiry_time" INTEGER/);
    expect(sql('oauthtoken_user_name_uq')).toMatch(/CREATE UNIQUE INDEX .* WHERE "user_name" IS NOT NULL/);
    for (const c of ['grant_token', 'refresh_token', 'access_token']) expect(sql(`oauthtoken_${c}_ix`)).toMatch(new RegExp(`WHERE "${c}" IS NOT NULL`));
    expect(sql('oauthtoken_lease')).toMatch(/"expires_at" INTEGER NOT NULL/);
  });

  it('serves every lookup from an index (query plan), never a table scan', () => {
    const db = store().database;
    const indexFor: Record<string, string> = {
      id: 'sqlite_autoindex_oauthtoken_1',
      user_name: 'oauthtoken_user_name_uq',
      grant_token: 'oauthtoken_grant_token_ix',
      refresh_token: 'oauthtoken_refresh_token_ix',
      access_token: 'oauthtoken_access_token_ix',
    };
    for (const [column, index] of Object.entries(indexFor)) {
      const plan = (db.prepare(`EXPLAIN QUERY PLAN SELECT * FROM oauthtoken WHERE "${column}" = ? ORDER BY "id"`).all('x') as { detail: string }[]).map((r) => r.detail);
      expect(plan.join(' | ')).toContain(`USING INDEX ${index} (${column}=?)`);
      expect(plan.join(' | ')).not.toMatch(/SCAN oauthtoken/);
    }
  });

  it('keeps one record per user name but any number without one (partial unique index)', async () => {
    const s = store();
    await s.saveToken(new OAuthToken({ accessToken: 'a1' }));
    await s.saveToken(new OAuthToken({ accessToken: 'a2' }));
    await s.saveToken(new OAuthToken({ userSignature: { name: 'u' }, accessToken: 'a3' }));
    expect(() => s.database.prepare(`INSERT INTO oauthtoken (id, user_name) VALUES ('other', 'u')`).run()).toThrow(/UNIQUE/);
    expect(await s.getTokens()).toHaveLength(3);
  });

  it('reopening a database at the current version changes nothing', async () => {
    const a = store();
    const saved = await a.saveToken(new OAuthToken({ userSignature: { name: 'u' }, accessToken: 'x' }));
    await a.close();
    const b = store();
    expect(b.database.pragma('user_version', { simple: true })).toBe(1);
    expect((await b.findTokenById(saved.id!))?.accessToken).toBe('x');
  });

  it('refuses a database written by a newer schema version, without changing it', async () => {
    const db = raw();
    db.pragma('user_version = 7');
    db.close();
    const error = await rejectsWith(() => store(), 'STORE_FAILURE');
    expect(error.message).toMatch(/schema version 7 is newer/);
    const check = raw();
    expect(check.pragma('user_version', { simple: true })).toBe(7);
    expect(check.prepare(`SELECT count(*) FROM sqlite_master`).pluck().get()).toBe(0);
  });

  it('refuses a pre-existing table of that name that is not a tokenstore table (e.g. Zoho layout), rolling back', async () => {
    const db = raw();
    db.exec(`CREATE TABLE oauthtoken (id varchar(10), user_mail varchar(255), client_id varchar(255), refresh_token varchar(255), access_token varchar(255), grant_token varchar(255), expiry_time varchar(20))`);
    db.close();
    const error = await rejectsWith(() => store(), 'INVALID_ARGUMENT');
    expect(error.message).toMatch(/not a tokenstore table/);
    const check = raw();
    expect(check.pragma('user_version', { simple: true })).toBe(0);
    expect(check.prepare(`SELECT count(*) FROM sqlite_master WHERE name LIKE 'oauthtoken_%'`).pluck().get()).toBe(0);
  });

  it('holds several tables in one file, each with its own records and leases', async () => {
    const a = store({ table: 'tokens_a' });
    const b = store({ table: 'tokens_b' });
    await a.saveToken(new OAuthToken({ userSignature: { name: 'u' }, accessToken: 'in-a' }));
    expect(await b.getTokens()).toEqual([]);
    expect(await a.lock!.acquire('k', 'o1', 10_000)).toBe(true);
    expect(await b.lock!.acquire('k', 'o2', 10_000)).toBe(true);
    expect(a.table).toBe('tokens_a');
  });
});

describe('values', () => {
  it('stores expiresAt as an INTEGER and round-trips it to the millisecond', async () => {
    const s = store();
    for (const expiresAt of [0, 1, 1_712_345_678_901, 8_640_000_000_000_000, -5, Number.MAX_SAFE_INTEGER]) {
      const saved = await s.saveToken(new OAuthToken({ accessToken: `a${expiresAt}`, expiresAt }));
      expect((await s.findTokenById(saved.id!))?.expiresAt).toBe(expiresAt);
      expect(s.database.prepare('SELECT typeof(expiry_time) FROM oauthtoken WHERE id = ?').pluck().get(saved.id)).toBe('integer');
    }
  });

  it('round-trips strings byte for byte, also through a reopen', async () => {
    const values = ["it's", 'say "hi"', 'back\\slash', '100%_done', "'); DROP TABLE oauthtoken; --", '{"json":[1,2]}', 'Ünïcödé 🔑 中文', 'x'.repeat(8192), ' padded ', '\r\n\t'];
    const s = store();
    const ids: string[] = [];
    for (const [i, v] of values.entries()) {
      ids.push((await s.saveToken(new OAuthToken({ userSignature: { name: `${v}#${i}` }, clientId: v, clientSecret: v, grantToken: v, refreshToken: v, accessToken: v, redirectUrl: v, apiDomain: v, tokenType: v, scope: v }))).id!);
    }
    await s.close();
    const again = store();
    for (const [i, v] of values.entries()) {
      const t = await again.findTokenById(ids[i]!);
      expect(t?.toRecord()).toEqual({ id: ids[i], userName: `${v}#${i}`, clientId: v, clientSecret: v, grantToken: v, refreshToken: v, accessToken: v, redirectUrl: v, apiDomain: v, tokenType: v, scope: v, expiresAt: null });
      expect((await again.findToken(new OAuthToken({ clientId: v, refreshToken: v, userSignature: { name: `${v}#${i}` } })))?.id).toBe(ids[i]);
    }
  });

  it('returns numbers even when the caller opened the Database with safe integers', async () => {
    const db = raw();
    db.defaultSafeIntegers(true);
    const s = store({ filename: undefined, database: db });
    const saved = await s.saveToken(new OAuthToken({ accessToken: 'a', expiresAt: 1_712_345_678_901 }));
    expect((await s.findTokenById(saved.id!))?.expiresAt).toBe(1_712_345_678_901);
  });
});

describe('saves with id and user name (the fast path)', () => {
  /** A store on a Database that logs every statement it runs (better-sqlite3's verbose hook). */
  function traced(): { s: SQLiteStore; statements: string[] } {
    const statements: string[] = [];
    const db = new BetterSqlite3(join(dir, 'traced.db'), { verbose: (sql) => void statements.push(String(sql)) });
    opened.push(db);
    const s = store({ filename: undefined, database: db });
    statements.length = 0;
    return { s, statements };
  }

  it("replace the user's own record, or adopt an unbound one, in one UPDATE", async () => {
    const { s, statements } = traced();
    const own = await s.saveToken(new OAuthToken({ userSignature: { name: 'alice' }, accessToken: 'a1', scope: 'old' }));
    const unbound = await s.saveToken(new OAuthToken({ accessToken: 'u1' }));
    statements.length = 0;
    const updated = await s.saveToken(new OAuthToken({ id: own.id, userSignature: { name: 'alice' }, accessToken: 'a2' }));
    const adopted = await s.saveToken(new OAuthToken({ id: unbound.id, userSignature: { name: 'bob' }, accessToken: 'b1' }));
    // (verbose shows each statement with its values bound.)
    expect(statements).toHaveLength(2);
    expect(statements[0]).toMatch(/^UPDATE "oauthtoken" SET .* WHERE "id" = .* AND \("user_name" IS NULL OR "user_name" = 'alice'\)$/);
    expect(statements[1]).toMatch(/^UPDATE "oauthtoken" SET .* WHERE "id" = .* AND \("user_name" IS NULL OR "user_name" = 'bob'\)$/);
    expect((await s.findTokenById(own.id!))?.toRecord()).toEqual(updated.toRecord());
    expect((await s.findTokenById(own.id!))?.scope).toBeUndefined();
    expect((await s.findTokenById(unbound.id!))?.toRecord()).toEqual(adopted.toRecord());
    expect(adopted.userSignature?.name).toBe('bob');
    // The statement is served by the primary key's index.
    const plan = s.database.prepare(`EXPLAIN QUERY PLAN ${statements[0]}`).all() as { detail: string }[];
    expect(plan.map((p) => p.detail).join('\n')).toMatch(/USING INDEX sqlite_autoindex_oauthtoken_1 \(id=\?\)/);
  });

  it("compare user names byte for byte: the id of 'alice ' is not alice's, and the save falls back and rejects", async () => {
    const { s, statements } = traced();
    const spaced = await s.saveToken(new OAuthToken({ userSignature: { name: 'alice ' }, accessToken: 'x' }));
    statements.length = 0;
    await rejectsWith(s.saveToken(new OAuthToken({ id: spaced.id, userSignature: { name: 'alice' }, accessToken: 'y' })), 'STORE_CONFLICT');
    // The fast path's UPDATE matches no row ('alice ' is not 'alice'); the ordinary path takes over.
    expect(statements[0]).toMatch(/^UPDATE .* "user_name" = 'alice'\)$/);
    expect(statements[1]).toMatch(/^SELECT /);
    expect((await s.findTokenById(spaced.id!))?.toRecord()).toEqual(spaced.toRecord());
  });

  fastPathConflictTest(() => store());
});

describe('a caller-provided Database', () => {
  it('is used as is: not closed by close(), pragmas untouched', async () => {
    const db = raw();
    expect(db.pragma('journal_mode', { simple: true })).toBe('delete');
    const s = new SQLiteStore({ database: db, table: 'mine' });
    await s.saveToken(new OAuthToken({ userSignature: { name: 'u' }, accessToken: 'x' }));
    await s.close();
    await s.close();
    expect(db.open).toBe(true);
    expect(db.pragma('journal_mode', { simple: true })).toBe('delete');
    expect(db.prepare('SELECT count(*) FROM mine').pluck().get()).toBe(1);
    await rejectsWith(s.getTokens(), 'STORE_CLOSED');
  });

  it('closed by its owner: operations fail with STORE_CLOSED', async () => {
    const db = new BetterSqlite3(':memory:');
    const s = new SQLiteStore({ database: db });
    db.close();
    await rejectsWith(s.getTokens(), 'STORE_CLOSED');
    await rejectsWith(() => new SQLiteStore({ database: db }), 'STORE_CLOSED');
  });
});

describe('errors', () => {
  it('maps SQLITE_BUSY to STORE_UNAVAILABLE without leaking the token, and succeeds once the lock is gone', async () => {
    const s = store({ busyTimeoutMs: 50 });
    const other = raw();
    other.exec('BEGIN IMMEDIATE');
    const error = await rejectsWith(s.saveToken(new OAuthToken({ userSignature: { name: 'u' }, accessToken: SECRET, refreshToken: SECRET, clientId: 'c' })), 'STORE_UNAVAILABLE');
    expect(error.message).toMatch(/SQLITE_BUSY/);
    expect(`${error.message} ${inspect(error, { depth: 5 })}`).not.toContain(SECRET);
    await rejectsWith(s.lock!.acquire('k', 'o', 1000), 'STORE_UNAVAILABLE');
    other.exec('COMMIT');
    expect((await s.saveToken(new OAuthToken({ userSignature: { name: 'u' }, accessToken: SECRET }))).id).toBeTruthy();
  });

  it('a file that is not a database: STORE_CORRUPT, file left as it was', async () => {
    const file = join(dir, 'garbage.db');
    writeFileSync(file, 'this is not sqlite '.repeat(500));
    await rejectsWith(() => new SQLiteStore({ filename: file }), 'STORE_CORRUPT');
    expect(readFileSync(file, 'utf8')).toBe('this is not sqlite '.repeat(500));
  });

  it('an unopenable path: STORE_UNAVAILABLE', async () => {
    await rejectsWith(() => new SQLiteStore({ filename: join(dir, 'missing-dir', 'x.db') }), 'STORE_UNAVAILABLE');
  });

  it('a unique violation surfaces as STORE_CONFLICT from the backend, and the kit resolves it into one record', async () => {
    const a = store();
    const b = store();
    // Interleaved saves of one new user on two connections: both look, find nothing, insert; the
    // loser hits the unique index, re-reads and updates the winner's record.
    const saved = await Promise.all(Array.from({ length: 10 }, (_, i) => (i % 2 ? a : b).saveToken(new OAuthToken({ userSignature: { name: 'racer' }, accessToken: `t${i}` }))));
    expect(new Set(saved.map((t) => t.id)).size).toBe(1);
    expect((await a.getTokens()).filter((t) => t.userSignature?.name === 'racer')).toHaveLength(1);
  });
});

describe('lock (lease row)', () => {
  leaseBasicsTests(store, (s) => {
    expect(s.database.prepare('SELECT owner, typeof(expires_at) FROM oauthtoken_lease WHERE key = ?').raw().get('k')).toEqual(['o2', 'integer']);
  });

  it('validates its arguments', async () => {
    const s = store();
    await rejectsWith(() => s.lock!.acquire('', 'o', 1), 'INVALID_ARGUMENT');
    await rejectsWith(() => s.lock!.acquire('k', 'o', 0), 'INVALID_ARGUMENT');
  });
});

describe('closing', () => {
  it('is idempotent and closes the database it opened', async () => {
    const s = store();
    await s.close();
    await s.close();
    expect(s.database.open).toBe(false);
    await rejectsWith(s.findTokenById('x'), 'STORE_CLOSED');
  });
});
