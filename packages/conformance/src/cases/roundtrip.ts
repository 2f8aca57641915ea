import type { TokenRecord, OAuthTokenInit, TokenStore } from '@tokenstore/core/store-kit';
import { expectToken, listRecords, save, short } from '../assertions.js';
import type { CaseContext, ConformanceCase } from '../conformance-case.js';
import {
  EXPIRES_AT_VALUES,
  JSON_FRAGMENTS,
  QUOTES_AND_BACKSLASHES,
  SQL_FRAGMENTS,
  STRING_FIELDS,
  UNICODE,
  WHITESPACE,
  WILDCARDS,
  asciiOfBytes,
  everyField,
  init,
  multibyteOfBytes,
} from '../values.js';

/**
 * Reads every expected record back through each way in (findTokenById, findToken by user name, by
 * grant/refresh token with clientId, by access token, getTokens) and compares it byte for byte.
 */
export async function expectReadBack(t: CaseContext, expected: readonly TokenRecord[], what: string, store: TokenStore = t.store): Promise<void> {
  const all = new Map((await listRecords(t, store)).map((r) => [r.id, r]));
  for (const record of expected) {
    const id = record.id as string;
    const label = `${what}: record ${JSON.stringify(short(id))}`;
    t.expect(all.has(id), `${label} must be listed by getTokens()`).toBe(true);
    t.expect(all.get(id), `${label} via getTokens()`).toEqual(record);
    expectToken(t.expect, await store.findTokenById(id), record, `${label} via findTokenById`);
    if (record.userName !== null) {
      expectToken(t.expect, await store.findToken(t.token({ userSignature: { name: record.userName } })), record, `${label} via findToken(user name)`);
    }
    if (record.clientId !== null && record.grantToken !== null) {
      expectToken(t.expect, await store.findToken(t.token({ clientId: record.clientId, grantToken: record.grantToken })), record, `${label} via findToken(clientId + grant token)`);
    }
    if (record.clientId !== null && record.refreshToken !== null) {
      expectToken(t.expect, await store.findToken(t.token({ clientId: record.clientId, refreshToken: record.refreshToken })), record, `${label} via findToken(clientId + refresh token)`);
    }
    if (record.accessToken !== null) {
      expectToken(t.expect, await store.findToken(t.token({ accessToken: record.accessToken })), record, `${label} via findToken(access token)`);
    }
  }
}

/** Saves each init, checks the save result, then reads every record back. */
export async function saveAndReadBack(t: CaseContext, inits: readonly OAuthTokenInit[], what: string): Promise<TokenRecord[]> {
  const expected: TokenRecord[] = [];
  for (const i of inits) {
    const token = t.token(i);
    const saved = await save(t, token);
    t.expect(saved, `${what}: saveToken result`).toEqual({ ...token.toRecord(), id: saved.id });
    expected.push(saved);
  }
  await expectReadBack(t, expected, what);
  return expected;
}

/** Distinct value per field, so swapped columns show. */
export function distinctFields(t: CaseContext, tag: string): OAuthTokenInit {
  const fields: Partial<Record<(typeof STRING_FIELDS)[number], string>> = {};
  for (const field of STRING_FIELDS) fields[field] = `${field}:${tag}:${t.uid}`;
  return init({ ...fields, expiresAt: 1767225600123 });
}

/** Two records per field class of 8 KiB values: ASCII and multi-byte, a different value in every field. */
export function longValueInits(t: CaseContext): OAuthTokenInit[] {
  const ascii: Partial<Record<(typeof STRING_FIELDS)[number], string>> = {};
  const multibyte: Partial<Record<(typeof STRING_FIELDS)[number], string>> = {};
  for (const field of STRING_FIELDS) {
    ascii[field] = asciiOfBytes(`${field}:${t.uid}:`, 8192);
    multibyte[field] = multibyteOfBytes(`${field}:${t.uid}:`, 8192);
  }
  return [init({ ...ascii, expiresAt: 1767225600123 }), init({ ...multibyte, expiresAt: 1767225600124 })];
}

function hostile(id: string, label: string, values: readonly string[]): ConformanceCase {
  return {
    id,
    title: `${label} round-trip byte for byte in every field, and lookups by them select exactly their record`,
    async run(t) {
      await saveAndReadBack(t, values.map((v, i) => everyField(v, 1767225600000 + i)), label);
    },
  };
}

export const roundtripCases: ConformanceCase[] = [
  {
    id: 'roundtrip.all-fields',
    title: 'every field (a different value in each) round-trips through saveToken, findTokenById, findToken and getTokens',
    async run(t) {
      await saveAndReadBack(t, [distinctFields(t, 'one'), distinctFields(t, 'two')], 'all fields');
    },
  },
  {
    id: 'roundtrip.absent-fields',
    title: "absent fields stay absent (not '' or 'null'); expiresAt absent stays absent",
    async run(t) {
      const records = await saveAndReadBack(t, [{ accessToken: `only-access-${t.uid}` }, { userSignature: { name: `only-user-${t.uid}` } }], 'absent fields');
      for (const record of records) {
        for (const [field, value] of Object.entries(record)) {
          if (field === 'id' || field === 'accessToken' || field === 'userName') continue;
          t.expect(value, `absent field ${field} must read back absent`).toBeNull();
        }
      }
    },
  },
  hostile('roundtrip.quotes-and-backslashes', 'quotes and backslashes', QUOTES_AND_BACKSLASHES),
  hostile('roundtrip.sql-fragments', 'SQL fragments and placeholders', SQL_FRAGMENTS),
  hostile('roundtrip.wildcards', "LIKE, glob and regex wildcards ('%', '_', '*', '.*')", WILDCARDS),
  hostile('roundtrip.json-fragments', 'JSON and query-operator fragments ({"$gt":""}, $ne, null, __proto__)', JSON_FRAGMENTS),
  hostile('roundtrip.unicode', 'Unicode (emoji, combining marks, RTL, astral planes, BOM, zero-width)', UNICODE),
  hostile('roundtrip.whitespace', 'leading/trailing spaces, newlines, tabs, CRLF and whitespace-only values', WHITESPACE),
  {
    id: 'roundtrip.long-values',
    title: '8 KiB values (ASCII and multi-byte UTF-8) round-trip in every field and lookups by them work',
    async run(t) {
      await saveAndReadBack(t, longValueInits(t), '8 KiB values');
    },
  },
  {
    id: 'roundtrip.expires-at',
    title: 'expiresAt round-trips to the millisecond (1767225600123, 0, 1, 999, 8.64e15, Number.MAX_SAFE_INTEGER)',
    async run(t) {
      const records = await saveAndReadBack(
        t,
        EXPIRES_AT_VALUES.map((expiresAt, i) => ({ userSignature: { name: `user-${i}-${t.uid}` }, accessToken: `access-${i}-${t.uid}`, expiresAt })),
        'expiresAt',
      );
      for (const [i, record] of records.entries()) {
        t.expect(record.expiresAt, 'expiresAt').toBe(EXPIRES_AT_VALUES[i]);
        t.expect(typeof (await t.store.findTokenById(record.id as string))?.expiresAt, 'expiresAt is a number').toBe('number');
      }
    },
  },
];
