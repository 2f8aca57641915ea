import { OAuthToken } from '@tokenstore/core';
import type mysql from 'mysql2/promise';
import { describe, expect, it } from 'vitest';
import { MySQLStore } from '../src/index.js';
import { uniqueName } from '@tokenstore/store-testkit';
import { adminPool, storeTracker } from './helpers.js';

const admin = adminPool();
const tracker = storeTracker(admin).cleanUpAfterTests(() => admin.end());

/**
 * The table the Zoho CRM SDKs' DBStore expects, verbatim from their README ("MySQL Query"), in the
 * database's default collation (utf8mb4_general_ci on MariaDB: case- and accent-insensitive).
 */
function zohoTable(table: string): string {
  return `CREATE TABLE \`${table}\` (
    id varchar(10) NOT NULL,
    user_name varchar(255),
    client_id varchar(255),
    client_secret varchar(255),
    refresh_token varchar(255),
    access_token varchar(255),
    grant_token varchar(255),
    expiry_time varchar(20),
    redirect_url varchar(255),
    api_domain varchar(255),
    primary key (id)
  )`;
}

/** Rows as the Zoho SDK writes them: ids from max(id)+1, expiry_time as a string of epoch ms. */
const ZOHO_ROWS = [
  ['1', 'ana@example.com', '1000.CLIENTA', 'secret-a', '1000.refresh-a', '1000.access-a', null, '1700000000123', 'https://app.example.com/cb', 'https://www.zohoapis.com'],
  ['2', null, '1000.CLIENTA', 'secret-a', null, null, '1000.grant-b', null, 'https://app.example.com/cb', null],
  ['3', 'Bob@Example.com', '1000.CLIENTB', 'secret-b', '1000.refresh-c', '1000.access-c', null, '1700000999000', null, 'https://www.zohoapis.eu'],
];

const ZOHO_INSERT = (table: string) =>
  `INSERT INTO \`${table}\` (id, user_name, client_id, client_secret, refresh_token, access_token, grant_token, expiry_time, redirect_url, api_domain) VALUES ?`;

async function createZohoTable(table: string, rows: unknown[][] = ZOHO_ROWS): Promise<void> {
  tracker.track(table);
  await admin.query(zohoTable(table));
  if (rows.length > 0) await admin.query(ZOHO_INSERT(table), [rows]);
}

async function showCreate(table: string): Promise<string> {
  const [rows] = await admin.query<mysql.RowDataPacket[]>(`SHOW CREATE TABLE \`${table}\``);
  return String(rows[0]?.['Create Table']);
}

describe('an existing Zoho DBStore table', () => {
  it('is opened in place: every Zoho row reads back, field by field', async () => {
    const table = uniqueName('zoho');
    await createZohoTable(table);
    const store = tracker.open({ table });
    const tokens = await store.getTokens();
    expect(tokens.map((t) => t.toRecord())).toEqual([
      {
        id: '1',
        userName: 'ana@example.com',
        clientId: '1000.CLIENTA',
        clientSecret: 'secret-a',
        grantToken: null,
        refreshToken: '1000.refresh-a',
        accessToken: '1000.access-a',
        redirectUrl: 'https://app.example.com/cb',
        expiresAt: 1_700_000_000_123,
        apiDomain: 'https://www.zohoapis.com',
        tokenType: null,
        scope: null,
      },
      {
        id: '2',
        userName: null,
        clientId: '1000.CLIENTA',
        clientSecret: 'secret-a',
        grantToken: '1000.grant-b',
        refreshToken: null,
        accessToken: null,
        redirectUrl: 'https://app.example.com/cb',
        expiresAt: null,
        apiDomain: null,
        tokenType: null,
        scope: null,
      },
      {
        id: '3',
        userName: 'Bob@Example.com',
        clientId: '1000.CLIENTB',
        clientSecret: 'secret-b',
        grantToken: null,
        refreshToken: '1000.refresh-c',
        accessToken: '1000.access-c',
        redirectUrl: null,
        expiresAt: 1_700_000_999_000,
        apiDomain: 'https://www.zohoapis.eu',
        tokenType: null,
        scope: null,
      },
    ]);
    // Each identifier finds its Zoho row, through the new indexes.
    expect((await store.findTokenById('3'))?.userSignature?.name).toBe('Bob@Example.com');
    expect((await store.findToken(new OAuthToken({ userSignature: { name: 'ana@example.com' } })))?.id).toBe('1');
    expect((await store.findToken(new OAuthToken({ clientId: '1000.CLIENTA', grantToken: '1000.grant-b' })))?.id).toBe('2');
    expect((await store.findToken(new OAuthToken({ clientId: '1000.CLIENTB', refreshToken: '1000.refresh-c' })))?.id).toBe('3');
    // Matching is now byte-exact, although Zoho's columns were case-insensitive.
    expect(await store.findToken(new OAuthToken({ userSignature: { name: 'bob@example.com' } }))).toBeNull();
  });

  it('is migrated without losing a row: widened, extended, re-keyed, and still writable the Zoho way', async () => {
    const table = uniqueName('zoho');
    await createZohoTable(table);
    const store = tracker.open({ table });
    expect(await store.migrate()).toEqual({ version: 2, applied: [1, 2] });
    const ddl = await showCreate(table);
    expect(ddl).toMatch(/`row_id` bigint\(20\) unsigned NOT NULL AUTO_INCREMENT/);
    expect(ddl).toContain('PRIMARY KEY (`row_id`)');
    for (const column of ['id', 'user_name', 'client_id', 'client_secret', 'refresh_token', 'access_token', 'grant_token', 'redirect_url', 'api_domain', 'token_type', 'scope']) {
      expect(ddl).toMatch(new RegExp(`\`${column}\` text CHARACTER SET utf8mb4 COLLATE utf8mb4_bin`));
    }
    // Zoho's expiry_time keeps its type (the Zoho SDK writes strings there).
    expect(ddl).toContain('`expiry_time` varchar(20)');
    for (const index of ['UNIQUE KEY `id_uq` (`id_sha256`)', 'UNIQUE KEY `user_name_uq` (`user_name_sha256`)', 'KEY `grant_token_ix` (`grant_token_sha256`)', 'KEY `refresh_token_ix` (`refresh_token_sha256`)', 'KEY `access_token_ix` (`access_token_sha256`)']) {
      expect(ddl).toContain(index);
    }

    // tokenstore writes: an update keeps the Zoho id; a new user gets a UUID (longer than Zoho's 10).
    const updated = await store.saveToken(new OAuthToken({ userSignature: { name: 'ana@example.com' }, clientId: '1000.CLIENTA', accessToken: 'new-access', expiresAt: 1_800_000_000_000, scope: 'ZohoCRM.modules.ALL' }));
    expect(updated.id).toBe('1');
    const added = await store.saveToken(new OAuthToken({ userSignature: { name: 'carol@example.com' }, refreshToken: 'r', clientId: 'c' }));
    expect(added.id).toMatch(/^[0-9a-f-]{36}$/);
    const [expiry] = await admin.query<mysql.RowDataPacket[]>(`SELECT expiry_time FROM \`${table}\` WHERE id = '1'`);
    expect(expiry[0]?.expiry_time).toBe('1800000000000');

    // A Zoho SDK still writing its own way: its INSERT names only Zoho's columns; the row gets a
    // row_id and its hashes from the server, so tokenstore finds it.
    await admin.query(ZOHO_INSERT(table), [[['4', 'dan@example.com', '1000.CLIENTA', 's', '1000.refresh-d', '1000.access-d', null, '1700000000000', null, null]]]);
    expect((await store.findToken(new OAuthToken({ userSignature: { name: 'dan@example.com' } })))?.id).toBe('4');
    expect((await store.findToken(new OAuthToken({ accessToken: '1000.access-d' })))?.id).toBe('4');
    // Sorted by id (the kit's order, code units: what Array#sort does to strings), not by row_id.
    expect((await store.getTokens()).map((t) => t.id)).toEqual(['1', '2', '3', '4', added.id as string].sort());

    // Reopening an up-to-date table changes nothing.
    const migrated = await showCreate(table);
    const again = tracker.open({ table });
    expect(await again.migrate()).toEqual({ version: 2, applied: [] });
    expect(await showCreate(table)).toBe(migrated);
  });

  it('holding users that differ only in case or trailing spaces keeps them apart', async () => {
    const table = uniqueName('zoho');
    await createZohoTable(table, [
      ['1', 'ABC', 'c', null, null, 'a1', null, null, null, null],
      ['2', 'abc', 'c', null, null, 'a2', null, null, null, null],
      ['3', 'abc ', 'c', null, null, 'a3', null, null, null, null],
    ]);
    const store = tracker.open({ table });
    for (const [name, id] of [['ABC', '1'], ['abc', '2'], ['abc ', '3']] as const) {
      expect((await store.findToken(new OAuthToken({ userSignature: { name } })))?.id).toBe(id);
    }
  });

  it('with several rows for one user is refused, and left exactly as it was', async () => {
    const table = uniqueName('zoho');
    await createZohoTable(table, [...ZOHO_ROWS, ['4', 'ana@example.com', '1000.CLIENTA', 'secret-a', '1000.refresh-old', '1000.access-old', null, '1600000000000', null, null]]);
    const before = await showCreate(table);
    const store = tracker.open({ table });
    const error = await store.getTokens().then(
      () => undefined,
      (e: unknown) => e as { code: string; message: string },
    );
    expect(error?.code).toBe('STORE_CONFLICT');
    expect(error?.message).toContain('1 value(s) of user_name');
    expect(error?.message).not.toContain('ana@example.com');
    expect(await showCreate(table)).toBe(before);
    const [rows] = await admin.query<mysql.RowDataPacket[]>(`SELECT COUNT(*) AS n FROM \`${table}\``);
    expect(Number(rows[0]?.n)).toBe(4);
    // Once the duplicate is gone, the next call migrates.
    await admin.query(`DELETE FROM \`${table}\` WHERE id = '4'`);
    expect(await store.getTokens()).toHaveLength(3);
  });

  it('with an index of its own on a column to widen is refused with the index named, and left as it was', async () => {
    const table = uniqueName('zoho');
    await createZohoTable(table);
    await admin.query(`CREATE INDEX my_refresh_ix ON \`${table}\` (refresh_token)`);
    const before = await showCreate(table);
    const store = tracker.open({ table });
    const error = await store.migrate().then(
      () => undefined,
      (e: unknown) => e as { code: string; message: string },
    );
    expect(error?.code).toBe('STORE_FAILURE');
    expect(error?.message).toContain('my_refresh_ix (on refresh_token)');
    expect(await showCreate(table)).toBe(before);
  });

  it('from an older SDK without api_domain gets the missing columns', async () => {
    const table = uniqueName('zoho');
    tracker.track(table);
    await admin.query(zohoTable(table).replace(',\n    api_domain varchar(255)', ''));
    await admin.query(`INSERT INTO \`${table}\` (id, user_name, client_id, refresh_token) VALUES ('7', 'old@example.com', 'c', 'r')`);
    const store = tracker.open({ table });
    const saved = await store.saveToken(new OAuthToken({ userSignature: { name: 'old@example.com' }, apiDomain: 'https://www.zohoapis.in', tokenType: 'Bearer' }));
    expect(saved.id).toBe('7');
    expect((await store.findTokenById('7'))?.apiDomain).toBe('https://www.zohoapis.in');
  });
});
