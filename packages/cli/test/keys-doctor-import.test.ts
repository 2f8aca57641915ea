import { chmodSync, writeFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { encryptedStore, OAuthToken } from '@tokenstore/core';
import { SQLiteStore } from '@tokenstore/store-sqlite';
import { TEST_URLS, tempDir, testEncryptionKey, uniqueName } from '@tokenstore/store-testkit';
import mysql from 'mysql2/promise';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { ExitCode } from '../src/exit-codes.js';
import { fixtureRecord, fixtureSecrets } from './helpers/chain-fixture.js';
import { cli } from './helpers/in-process.js';
import { expectNoSecretPrinted } from './helpers/secret-scan.js';

const { dir, cleanup } = tempDir('tokenstore-cli-kdi-');
afterAll(cleanup);
afterEach(() => {
  delete process.env.TOKENSTORE_KEYS;
});
const ring = (...keys: { id: string; key: unknown }[]) => keys.map((k) => `${k.id}:${String(k.key)}`).join(",");

describe('tokenstore keys', () => {
  it('status counts records per key; rotate re-encrypts all under the new current key; no key or secret printed', async () => {
    const filename = join(dir, 'enc.db');
    const [k1, k2] = [testEncryptionKey('k1'), testEncryptionKey('k2')];
    const v1 = encryptedStore(new SQLiteStore({ filename }), { keys: [k1] });
    for (let i = 0; i < 12; i++) await v1.saveToken(OAuthToken.fromRecord(fixtureRecord(i)));
    await v1.close();
    const secrets = [...Array.from({ length: 12 }, (_, i) => fixtureSecrets(i)).flat(), String(k1.key), String(k2.key)];

    process.env.TOKENSTORE_KEYS = ring(k2, k1);
    const before = await cli(['keys', 'status', `sqlite:${filename}`, '--json']);
    expect(before.code).toBe(ExitCode.OK);
    expect(JSON.parse(before.out)).toMatchObject({ total: 12, currentKeyId: 'k2', byKey: { k1: 12, k2: 0 }, notCurrent: 12, removableKeyIds: [] });
    const rotated = await cli(['keys', 'rotate', `sqlite:${filename}`]);
    expect(rotated.code, rotated.err).toBe(ExitCode.OK);
    expect(rotated.out).toBe('rotated: 12 re-encrypted, 12 records, 0 failed\n');
    expect(rotated.err).toContain('rotate: 12/12 (100%)');
    const after = await cli(['keys', 'status', `sqlite:${filename}`]);
    expect(after.out).toContain('  key k2: 12\n');
    expect(after.out).toContain('removable from the ring: k1\n');
    // list works through the ring too, and shows no secret.
    const listed = await cli(['list', `sqlite:${filename}`]);
    expect(listed.code).toBe(ExitCode.OK);
    expect(listed.out).toContain('12 tokens');
    expectNoSecretPrinted([before, rotated, after, listed].map((r) => r.out + r.err).join('\n'), secrets);
  });

  it('without TOKENSTORE_KEYS: exit 2 naming the variable; with a wrong key: a coded error, no key printed', async () => {
    const filename = join(dir, 'enc.db');
    const missing = await cli(['keys', 'status', `sqlite:${filename}`]);
    expect(missing.code).toBe(ExitCode.USAGE);
    expect(missing.err).toContain('set TOKENSTORE_KEYS');
    const wrong = testEncryptionKey('k2');
    process.env.TOKENSTORE_KEYS = ring(wrong);
    const shown = await cli(['show', `sqlite:${filename}`, fixtureRecord(1).userName as string]);
    expect(shown.code).toBe(ExitCode.AUTHORIZATION);
    expect(shown.err).toMatch(/^tokenstore: DECRYPTION_FAILED: /);
    expectNoSecretPrinted(shown.out + shown.err, [String(wrong.key), ...fixtureSecrets(1)]);
  });
});

describe('tokenstore doctor', () => {
  it('a healthy SQLite store: every check ok, exit 0', async () => {
    const filename = join(dir, 'doc.db');
    await new SQLiteStore({ filename }).close();
    const { code, out } = await cli(['doctor', `sqlite:${filename}`]);
    expect(code).toBe(ExitCode.OK);
    expect(out.split('\n').filter(Boolean).map((l) => l.slice(0, 4))).toEqual(['ok  ', 'ok  ', 'ok  ', 'ok  ', 'ok  ']);
  });

  it('a token file readable by others and a missing database: said in plain words, exit 4', async () => {
    const filename = join(dir, 'open.db');
    await new SQLiteStore({ filename }).close();
    chmodSync(filename, 0o644);
    const open = await cli(['doctor', `sqlite:${filename}`]);
    expect(open.code).toBe(ExitCode.CHECK_FAILED);
    expect(open.out).toContain(`FAIL  file permissions: ${filename} is readable or writable by others (mode 644): it holds every user's tokens; run chmod 600 ${filename}`);
    expect(open.err).toMatch(/^tokenstore: CHECK_FAILED: doctor: 1 problem/);
    const none = await cli(['doctor', `sqlite:${join(dir, 'nothing-here.db')}`]);
    expect(none.code).toBe(ExitCode.CHECK_FAILED);
    expect(none.out).toContain('does not exist');
  });

  it('a lookup without an index and a world-writable directory, from the store\'s own diagnose(): named, exit 4; the lease is still checked', async () => {
    const sub = join(dir, 'open-dir');
    mkdirSync(sub);
    const filename = join(sub, 'noindex.db');
    const store = new SQLiteStore({ filename });
    store.database.exec('DROP INDEX "oauthtoken_access_token_ix"');
    await store.close();
    chmodSync(sub, 0o777);
    const { code, out } = await cli(['doctor', `sqlite:${filename}`]);
    expect(code).toBe(ExitCode.CHECK_FAILED);
    expect(out).toContain('FAIL  indexes: no index serves the accessToken lookup: each one scans every record');
    expect(out).toContain('FAIL  file permissions: its directory is writable by everyone (mode 777)');
    expect(out).toContain('ok    schema version: 1');
    const json = JSON.parse((await cli(['doctor', `sqlite:${filename}`, '--json'])).out) as { check: string; ok: boolean }[];
    expect(json.filter((f) => !f.ok).map((f) => f.check)).toEqual(['file permissions', 'indexes']);
  });

  it('PostgreSQL: a table never created is reported, not created (doctor migrates nothing)', async () => {
    const table = uniqueName('cli_doctor');
    const { code, out } = await cli(['doctor', `${TEST_URLS.postgres}?table=${table}`]);
    expect(code).toBe(ExitCode.CHECK_FAILED);
    expect(out).toContain('FAIL  schema version: none: the store was never created here');
    expect(out).toContain(`warn  PostgresStore: no table public.${table}_migrations`);
    const again = await cli(['doctor', `${TEST_URLS.postgres}?table=${table}`]);
    expect(again.out).toContain('no table'); // still not there
  });

  it('MongoDB (FerretDB) and MySQL stores in use: indexes, lease, exit 0', async () => {
    const collection = uniqueName('cli_doctor');
    await cli(['list', `${TEST_URLS.mongo}?collection=${collection}`]); // creates it
    const mongo = await cli(['doctor', `${TEST_URLS.mongo}?collection=${collection}`]);
    expect(mongo.code, mongo.out).toBe(ExitCode.OK);
    expect(mongo.out).toContain('ok    indexes: every lookup is indexed (5)');
    expect(mongo.out).toContain('ok    refresh lease: taken and released');
    const table = uniqueName('cli_doctor');
    await cli(['list', `${TEST_URLS.mysql}?table=${table}`]);
    const my = await cli(['doctor', `${TEST_URLS.mysql}?table=${table}`]);
    expect(my.code, my.out).toBe(ExitCode.OK);
    expect(my.out).toContain('ok    schema version: ');
  }, 60_000);
});

describe('tokenstore import', () => {
  it('zoho-csv: every row of an SDK token file into the store; running it twice imports nothing twice', async () => {
    const csv = join(dir, 'sdk_tokens.txt');
    writeFileSync(csv, 'id,user_name,client_id,client_secret,refresh_token,access_token,grant_token,expiry_time,redirect_url,api_domain\n' +
      '1,ada@example.com,1000.ABC,zoho-secret-1,1000.rt-ada-xyz,1000.at-ada-xyz,,1800000000000,https://app/cb,https://www.zohoapis.eu\n' +
      '2,bob@example.com,1000.ABC,zoho-secret-2,1000.rt-bob-xyz,,,,,\n');
    const url = `sqlite:${join(dir, 'imported.db')}`;
    for (let run = 0; run < 2; run++) {
      const result = await cli(['import', 'zoho-csv', csv, url]);
      expect(result.code, result.err).toBe(ExitCode.OK);
      expect(result.out).toBe(`imported 2 tokens from ${csv}\n`);
      expectNoSecretPrinted(result.out + result.err, ['zoho-secret-1', '1000.rt-ada-xyz', '1000.at-ada-xyz', 'zoho-secret-2', '1000.rt-bob-xyz']);
    }
    const store = new SQLiteStore({ filename: join(dir, 'imported.db') });
    const tokens = await store.getTokens();
    await store.close();
    expect(tokens.map((t) => [t.id, t.userSignature?.name, t.refreshToken, t.expiresAt]).sort()).toEqual([
      ['1', 'ada@example.com', '1000.rt-ada-xyz', 1800000000000],
      ['2', 'bob@example.com', '1000.rt-bob-xyz', undefined],
    ]);
  });

  it('zoho-table: a Zoho DBStore table in MySQL, read only, into the store', async () => {
    const table = uniqueName('zoho_oauthtoken');
    const connection = await mysql.createConnection(TEST_URLS.mysql);
    try {
      await connection.query(`CREATE TABLE ${table} (id varchar(10) NOT NULL PRIMARY KEY, user_name varchar(255), client_id varchar(255), client_secret varchar(255), refresh_token varchar(255), access_token varchar(255), grant_token varchar(255), expiry_time varchar(20), redirect_url varchar(255), api_domain varchar(255))`);
      await connection.query(`INSERT INTO ${table} VALUES ('7','cy@example.com','1000.C','sec-cy-123','rt-cy-"quoted",x',NULL,NULL,'1800000000999',NULL,'https://www.zohoapis.com')`);
      const url = `sqlite:${join(dir, 'from-table.db')}`;
      const result = await cli(['import', 'zoho-table', `${TEST_URLS.mysql}?table=${table}`, url]);
      expect(result.code, result.err).toBe(ExitCode.OK);
      expect(result.out).toMatch(/^imported 1 tokens from mysql:\/\/[^:@]*:\*\*\*@/); // the password never shows
      const [rows] = await connection.query(`SHOW COLUMNS FROM ${table}`);
      expect((rows as unknown[]).length).toBe(10); // the Zoho table was not migrated
      const store = new SQLiteStore({ filename: join(dir, 'from-table.db') });
      const [token] = await store.getTokens();
      await store.close();
      expect(token?.toRecord()).toMatchObject({ id: '7', userName: 'cy@example.com', clientSecret: 'sec-cy-123', refreshToken: 'rt-cy-"quoted",x', accessToken: null, expiresAt: 1800000000999 });
    } finally {
      await connection.query(`DROP TABLE IF EXISTS ${table}`);
      await connection.end();
    }
  });
});
