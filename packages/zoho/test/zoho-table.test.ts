import { randomBytes } from 'node:crypto';
import { MemoryStore, OAuthToken } from '@tokenstore/core';
import { TEST_URLS } from '@tokenstore/store-testkit';
import * as sdk from '@zohocrm/typescript-sdk-8.0';
import mysql from 'mysql2/promise';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { importZohoTable } from '../src/index.js';

const url = new URL(TEST_URLS.mysql);
let pool: mysql.Pool;
let table: string;
beforeAll(() => {
  pool = mysql.createPool({ uri: TEST_URLS.mysql, connectionLimit: 2 });
});
afterAll(async () => {
  await pool.end();
});
beforeEach(async () => {
  table = `zoho_import_${randomBytes(4).toString('hex')}`;
  // The table as the Zoho SDKs' README creates it (the server's default, case-insensitive collation).
  await pool.query(`CREATE TABLE ${table} (id varchar(10) NOT NULL, user_name varchar(255), client_id varchar(255), client_secret varchar(255), refresh_token varchar(255), access_token varchar(255), grant_token varchar(255), expiry_time varchar(20), redirect_url varchar(255), api_domain varchar(255), primary key (id))`);
  return async () => {
    await pool.query(`DROP TABLE IF EXISTS ${table}`);
  };
});

/** The real TypeScript SDK's DBStore on that table. */
function sdkDbStore(): sdk.DBStore {
  return new sdk.DBBuilder().host(url.hostname).databaseName(url.pathname.slice(1)).tableName(table).userName(decodeURIComponent(url.username)).password(decodeURIComponent(url.password)).portNumber(url.port as never).build();
}

async function saveWithSdk(user: string | null, fields: { refreshToken?: string; grantToken?: string; accessToken?: string; expiresIn?: string }): Promise<void> {
  const token = new sdk.OAuthToken('1000.CLIENT', 'secret"x', fields.grantToken ?? null, fields.refreshToken ?? null, 'https://app.example.com/cb', null, fields.accessToken ?? null, user ? new sdk.UserSignature(user) : null);
  if (fields.expiresIn) token.setExpiresIn(fields.expiresIn);
  token.setAPIDomain('https://www.zohoapis.eu');
  await sdkDbStore().saveToken(token);
}

describe('importZohoTable from a table the real TypeScript SDK DBStore wrote', () => {
  it('imports what the SDK reads back, ids kept, into any store (a pool or a URI)', async () => {
    await saveWithSdk('ana@example.com', { refreshToken: '1000.r.ana', accessToken: '1000.a.ana', expiresIn: '1796122257178' });
    await saveWithSdk(null, { grantToken: '1000.grant.pending' });
    const sdkReads = ((await sdkDbStore().getTokens()) ?? []) as sdk.OAuthToken[];
    expect(sdkReads).toHaveLength(2);
    const store = new MemoryStore();
    const result = await importZohoTable(pool, store, { table });
    expect(result).toMatchObject({ imported: 2, skipped: 0, problems: [] });
    expect(result.tokens.map((t) => [t.id, t.userSignature?.name, t.refreshToken, t.grantToken, t.accessToken, t.expiresAt, t.clientSecret, t.apiDomain])).toEqual(
      sdkReads.map((t) => [t.getId(), t.getUserSignature()?.getName(), t.getRefreshToken() ?? undefined, t.getGrantToken() ?? undefined, t.getAccessToken() ?? undefined, t.getExpiresIn() ? Number(t.getExpiresIn()) : undefined, t.getClientSecret(), t.getAPIDomain()]),
    );
    const again = new MemoryStore();
    expect((await importZohoTable(TEST_URLS.mysql, again, { table })).imported).toBe(2);
    expect((await again.findToken(new OAuthToken({ userSignature: { name: 'ana@example.com' } })))?.refreshToken).toBe('1000.r.ana');
  });

  it('two rows naming one user in different case (one user for the SDK\'s _ci column) import once, the other reported by row', async () => {
    await saveWithSdk('Bob@Example.com', { refreshToken: '1000.r.bob' });
    await pool.query(`INSERT INTO ${table} (id, user_name, client_id, client_secret, refresh_token) VALUES ('2', 'bob@example.com', '1000.CLIENT', 's', 'SECRET-R2'), ('3', 'carol@example.com', NULL, 's', '1000.r.carol')`);
    const result = await importZohoTable(pool, new MemoryStore(), { table });
    expect(result.imported).toBe(1);
    expect(result.problems).toEqual([
      { line: 2, reason: 'same user name as row 1 (the SDKs read the first)' },
      { line: 3, reason: 'it has a refresh or grant token but no client_id' },
    ]);
    expect(JSON.stringify(result.problems)).not.toContain('SECRET');
  });

  it('a missing table is INVALID_ARGUMENT; a bad table name is refused before any query', async () => {
    await expect(importZohoTable(pool, new MemoryStore(), { table: 'no_such_table_here' })).rejects.toMatchObject({ code: 'INVALID_ARGUMENT', message: expect.stringContaining('no table') });
    await expect(importZohoTable(pool, new MemoryStore(), { table: 'x; DROP TABLE y' })).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
  });
});

// Facts about the SDK's own DBStore that @tokenstore/store-mysql's README relies on ("Zoho DBStore tables").
describe("the TypeScript SDK's own DBStore on its table (what coexistence has to live with)", () => {
  it('its id generator (max(id)+1 over a varchar) fails by itself on the 11th row', async () => {
    for (let i = 1; i <= 10; i++) await saveWithSdk(`u${i}@example.com`, { refreshToken: `1000.r.${i}` });
    const [ids] = (await pool.query(`SELECT id FROM ${table}`)) as [{ id: string }[], unknown];
    expect(ids.map((r) => r.id).sort()).toEqual(['1', '10', '2', '3', '4', '5', '6', '7', '8', '9']);
    // max(id) is '9' (lexicographic), so the 11th row gets id 10 again.
    await expect(saveWithSdk('u11@example.com', { refreshToken: '1000.r.11' })).rejects.toMatchObject({ code: 'ER_DUP_ENTRY' });
  });

  it('a row whose id is not a number (a tokenstore UUID) makes its next id "NaN"', async () => {
    await pool.query(`INSERT INTO ${table} (id, user_name, client_id, refresh_token) VALUES ('f0e1d2c3b4', 'uuid@example.com', '1000.CLIENT', '1000.r.u')`);
    await saveWithSdk('next@example.com', { refreshToken: '1000.r.next' });
    const [rows] = (await pool.query(`SELECT id FROM ${table} WHERE user_name = 'next@example.com'`)) as [{ id: string }[], unknown];
    expect(rows[0]?.id).toBe('NaN');
  });

  it('its driver (mysql 2.18, 3-byte utf8 connection) cannot store a 4-byte character', async () => {
    await pool.query(`ALTER TABLE ${table} CONVERT TO CHARACTER SET utf8mb4 COLLATE utf8mb4_general_ci`);
    const outcome = await saveWithSdk('emoji😀@example.com', { refreshToken: '1000.r.e' }).then(
      async () => ((await pool.query(`SELECT user_name FROM ${table}`)) as [{ user_name: string }[], unknown])[0][0]?.user_name,
      (error: { code?: string }) => error.code,
    );
    expect(outcome).not.toBe('emoji😀@example.com');
  });
});
