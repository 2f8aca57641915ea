import { createHash } from 'node:crypto';
import { RECORD_COLUMNS, RECORD_FIELDS, type TokenRecord } from '@tokenstore/core/store-kit';
import { SQLiteStore } from '@tokenstore/store-sqlite';

/**
 * The records the migration tests and the bench move through every store: deterministic (record i is
 * always the same), with the values stores get wrong: quotes, backslashes, % and _, SQL and JSON
 * fragments, non-BMP Unicode, an 8 KiB value, millisecond expiries, absent fields, records without a user.
 */
export function fixtureRecord(i: number): TokenRecord {
  const tricky = ["it's", 'back\\slash', '100%_off', "'); DROP TABLE oauthtoken; --", '{"json":true}', 'Ünïcødé 🔑 中文'][i % 6] as string;
  return {
    id: `tok-${i.toString(36)}-${createHash('sha256').update(String(i)).digest('hex').slice(0, 8)}`,
    userName: i % 17 === 0 ? null : `user-${i}@example.com`,
    clientId: `client-${i % 5}`,
    clientSecret: `cs-${i}-${tricky}`,
    grantToken: i % 7 === 0 ? `gt-${i}-grant` : null,
    refreshToken: i % 11 === 0 ? null : `rt-${i}-${tricky}-refresh`,
    accessToken: i % 13 === 0 ? null : `at-${i}-access`,
    redirectUrl: i % 3 === 0 ? null : `https://app.example/cb?x=${i}&y=%20`,
    expiresAt: i % 19 === 0 ? null : 1_800_000_000_123 + i * 1001,
    apiDomain: i % 2 === 0 ? 'https://www.zohoapis.eu' : null,
    tokenType: 'Bearer',
    scope: i === 1 ? 'x'.repeat(8192) : `ZohoCRM.modules.ALL scope-${tricky}`,
  };
}

/** The secrets of record i (what no output may show). */
export function fixtureSecrets(i: number): string[] {
  const r = fixtureRecord(i);
  return [r.clientSecret, r.grantToken, r.refreshToken, r.accessToken].filter((s): s is string => s !== null);
}

/**
 * Writes `count` fixture records into a new SQLite store file in one transaction, through the store's
 * own schema (SQLiteStore creates it) but not through saveToken: seeding is not what is measured.
 */
export function seedSqlite(filename: string, count: number): void {
  seedSqliteRecords(filename, Array.from({ length: count }, (_, i) => fixtureRecord(i)));
}

/**
 * Writes records as they are (no matching rules, so records saveToken would merge can coexist, as
 * they do in real stores: an unbound record sharing a refresh token with a bound one, say).
 */
export function seedSqliteRecords(filename: string, records: readonly TokenRecord[]): void {
  const store = new SQLiteStore({ filename });
  const columns = RECORD_FIELDS.map((f) => `"${RECORD_COLUMNS[f]}"`).join(', ');
  const insert = store.database.prepare(`INSERT INTO "oauthtoken" (${columns}) VALUES (${RECORD_FIELDS.map(() => '?').join(', ')})`);
  store.database.transaction(() => {
    for (const record of records) insert.run(...RECORD_FIELDS.map((f) => record[f]));
  })();
  store.database.close();
}
