import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { emptyRecord, type TokenRecord, type TokenStoreErrorCode, OAuthToken } from '@tokenstore/core/store-kit';
import { rejectsWith } from '@tokenstore/store-testkit';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SQLiteStore } from '../src/index.js';
import { SQLiteLock } from '../src/sqlite-lock.js';
import { schemaNames } from '../src/schema.js';
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

const file = () => join(dir, 'tokens.db');
function store(): SQLiteStore {
  const s = new SQLiteStore({ filename: file() });
  opened.push(s);
  return s;
}
const duck = (record: Partial<TokenRecord>) => ({ toRecord: () => ({ ...emptyRecord(), ...record }) }) as unknown as OAuthToken;

/** Every file in the directory with its bytes, so "left untouched" covers -wal/-shm/-journal files too. */
function snapshot(): Record<string, string> {
  return Object.fromEntries(readdirSync(dir).sort().map((name) => [name, readFileSync(join(dir, name)).toString('base64')]));
}

describe('a refused database file is left byte for byte as it was (no WAL switch, no -wal file)', () => {
  const refused: [string, (db: BetterSqlite3.Database) => void, TokenStoreErrorCode, RegExp][] = [
    ['a newer user_version', (db) => db.pragma('user_version = 7'), 'STORE_FAILURE', /schema version 7 is newer/],
    [
      "a foreign table named like ours (the Zoho SDKs' oauthtoken)",
      (db) => db.exec(`CREATE TABLE oauthtoken (id varchar(10), user_mail varchar(255), client_id varchar(255), refresh_token varchar(255), access_token varchar(255), grant_token varchar(255), expiry_time varchar(20))`),
      'INVALID_ARGUMENT',
      /not a tokenstore table/,
    ],
    [
      'a newer user_version on a file already in WAL mode',
      (db) => {
        db.pragma('journal_mode = WAL');
        db.pragma('user_version = 7');
      },
      'STORE_FAILURE',
      /schema version 7 is newer/,
    ],
  ];
  for (const [label, prepare, code, message] of refused) {
    it(label, async () => {
      const db = new BetterSqlite3(file());
      db.exec('CREATE TABLE app_data (x TEXT)');
      db.prepare('INSERT INTO app_data VALUES (?)').run('keep me');
      prepare(db);
      db.close();
      const before = snapshot();
      const error = await rejectsWith(() => store(), code);
      expect(error.message).toMatch(message);
      expect(snapshot()).toEqual(before);
    });
  }
});

describe('values every store refuses (core rule) never reach the file', () => {
  it('a lone surrogate or NUL in any field, the user name included, rejects with INVALID_ARGUMENT and writes nothing', async () => {
    const s = store();
    const mallory = await s.saveToken(new OAuthToken({ userSignature: { name: 'mallory\uFFFD' }, accessToken: 'a' }));
    for (const value of ['mallory\uD800', 'x\uDC00', 'a\u0000b']) {
      for (const field of ['id', 'userName', 'clientId', 'clientSecret', 'grantToken', 'refreshToken', 'accessToken', 'redirectUrl', 'apiDomain', 'tokenType', 'scope'] as const) {
        await rejectsWith(s.saveToken(duck({ userName: 'mallory\uD800', [field]: value })), 'INVALID_ARGUMENT');
      }
      await rejectsWith(s.findToken(duck({ userName: value })), 'INVALID_ARGUMENT');
    }
    expect((await s.getTokens()).map((t) => t.toRecord())).toEqual([mallory.toRecord()]);
    expect(s.database.prepare('SELECT count(*) FROM oauthtoken').pluck().get()).toBe(1);
  });

  it('a row holding NUL written behind the store reads as STORE_CORRUPT, not as another error', async () => {
    const s = store();
    s.database.prepare(`INSERT INTO oauthtoken (id, user_name) VALUES (?, ?)`).run('bad', 'a\u0000b');
    await rejectsWith(s.getTokens(), 'STORE_CORRUPT');
    await rejectsWith(s.findTokenById('bad'), 'STORE_CORRUPT');
  });
});

describe('lease ttl (core leaseTtl rule)', () => {
  it('SQLiteLock itself clamps a huge ttl (9.2e18) instead of failing, and the lease holds', async () => {
    const s = store();
    const lock = new SQLiteLock(s.database, schemaNames('oauthtoken'), Date.now);
    expect(await lock.acquire('k', 'a', 9.2e18)).toBe(true);
    expect(await lock.acquire('k', 'b', 1000)).toBe(false);
    expect(s.database.prepare('SELECT expires_at - ? <= 1e12 + 5000 FROM oauthtoken_lease WHERE key = ?').pluck().get(Date.now(), 'k')).toBe(1);
    await rejectsWith(lock.acquire('k2', 'a', Number.NaN), 'INVALID_ARGUMENT');
    await rejectsWith(lock.acquire('k2', 'a', '1000' as unknown as number), 'INVALID_ARGUMENT');
  });

  it('through the store: huge ttls acquire and hold; 0, -1, NaN, Infinity and "1000" reject', async () => {
    const s = store();
    for (const ttl of [9.2e18, Number.MAX_VALUE]) {
      expect(await s.lock!.acquire(`k${ttl}`, 'a', ttl)).toBe(true);
      expect(await s.lock!.acquire(`k${ttl}`, 'b', 1000)).toBe(false);
    }
    for (const ttl of [0, -1, Number.NaN, Number.POSITIVE_INFINITY, '1000']) await rejectsWith(s.lock!.acquire('k', 'a', ttl as number), 'INVALID_ARGUMENT');
  });
});
