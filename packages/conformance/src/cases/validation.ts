import { RECORD_STRING_FIELDS, emptyRecord, type TokenRecord, type OAuthToken } from '@tokenstore/core/store-kit';
import { expectStoreError, listRecords, save } from '../assertions.js';
import type { CaseContext, ConformanceCase } from '../conformance-case.js';
import { expectReadBack } from './roundtrip.js';
import { fullInit } from './full-init.js';
import { UNSTORABLE_STRINGS, everyField, utf8Twin } from '../values.js';

/** A duck-typed token (what a caller may pass instead of an OAuthToken) whose toRecord() gives `record`. */
function duck(record: unknown): OAuthToken {
  return { toRecord: () => record } as unknown as OAuthToken;
}

function recordWith(fields: Record<string, unknown>): Record<string, unknown> {
  return { ...emptyRecord(), ...fields };
}

const byIdOrder = (a: TokenRecord, b: TokenRecord) => ((a.id ?? '') < (b.id ?? '') ? -1 : 1);
const sorted = (records: TokenRecord[]) => [...records].sort(byIdOrder);

/**
 * Stores the records a lossy UTF-8 encoding would turn the unstorable values into (every field the
 * U+FFFD twin): a store that does not refuse those values would select, overwrite or duplicate them.
 */
async function saveTwins(t: CaseContext): Promise<TokenRecord[]> {
  const twins = new Set(UNSTORABLE_STRINGS.map(utf8Twin).filter((twin) => !UNSTORABLE_STRINGS.includes(twin)));
  const saved: TokenRecord[] = [];
  for (const twin of twins) saved.push(await save(t, t.token(everyField(`${twin}:${t.uid}`, 1767225600000))));
  return saved;
}

/** Each kind of record a store must refuse, by label. */
const INVALID_RECORDS: [string, Record<string, unknown>][] = [
  ["expiresAt 'soon'", { expiresAt: 'soon' }],
  ["expiresAt ' 42 ' (a numeric string)", { expiresAt: ' 42 ' }],
  ["expiresAt '-5'", { expiresAt: '-5' }],
  ["expiresAt '1767225600123'", { expiresAt: '1767225600123' }],
  ['expiresAt 1.5', { expiresAt: 1.5 }],
  ['expiresAt NaN', { expiresAt: Number.NaN }],
  ['expiresAt Infinity', { expiresAt: Number.POSITIVE_INFINITY }],
  ['expiresAt 2^53 (not a safe integer)', { expiresAt: 2 ** 53 }],
  ['refreshToken 42', { refreshToken: 42 }],
  ['accessToken true', { accessToken: true }],
  ['scope an array', { scope: ['a'] }],
  ['id a number', { id: 7 }],
  ['userName an object', { userName: { name: 'someone' } }],
];

/** Saves of `token` (each kind) all reject INVALID_ARGUMENT; afterwards getTokens() is what it was. */
async function expectRejectedSaves(t: CaseContext, tokens: [string, OAuthToken][]): Promise<void> {
  const before = sorted(await listRecords(t));
  for (const [label, token] of tokens) await expectStoreError(t, () => t.store.saveToken(token), 'INVALID_ARGUMENT', `saveToken(${label})`);
  t.expect(sorted(await listRecords(t)), 'getTokens() after the rejected saves: unchanged').toEqual(before);
}

export const validationCases: ConformanceCase[] = [
  {
    id: 'validation.invalid-record',
    title:
      "saveToken of a duck-typed token whose record has the wrong types (expiresAt 'soon', ' 42 ', 1.5, NaN; a number as refresh token; an object as user name; toRecord() not a record or throwing) rejects with INVALID_ARGUMENT, writes nothing, and the store stays usable",
    async run(t) {
      const existing = await save(t, t.token(fullInit(t, 'existing')));
      const tokens: [string, OAuthToken][] = [];
      for (const [i, [label, fields]] of INVALID_RECORDS.entries()) {
        tokens.push([`${label}, new user`, duck(recordWith({ userName: `invalid-${i}-${t.uid}`, accessToken: `access-invalid-${i}-${t.uid}`, ...fields }))]);
        // Carrying the id and user name of a stored record: the save that replaces it (and a store's fast path).
        tokens.push([`${label}, with the id and user of a stored record`, duck({ ...existing, ...fields })]);
      }
      tokens.push(['toRecord() returns null', duck(null)]);
      tokens.push(["toRecord() returns 'x'", duck('x')]);
      tokens.push(['toRecord() throws', { toRecord: () => { throw new Error('not a token'); } } as unknown as OAuthToken]);
      await expectRejectedSaves(t, tokens);
      // Still usable: the stored record is intact and readable everywhere, new saves and upserts work.
      const fresh = await save(t, t.token(fullInit(t, 'fresh')));
      const updated = await save(t, t.token({ ...fullInit(t, 'existing'), accessToken: `access-updated-${t.uid}` }));
      t.expect(updated.id, 'the upsert after the rejected saves kept the record id').toBe(existing.id);
      await expectReadBack(t, [updated, fresh], 'after rejected saves');
    },
  },
  {
    id: 'validation.unstorable-strings.save',
    title:
      'saveToken with a lone surrogate or NUL in any field (the user name and id included) rejects with INVALID_ARGUMENT and writes nothing; the record whose values are their U+FFFD twins (another user) is left alone',
    async run(t) {
      const twins = await saveTwins(t);
      const tokens: [string, OAuthToken][] = [];
      for (const [i, value] of UNSTORABLE_STRINGS.entries()) {
        const v = `${value}:${t.uid}`;
        tokens.push([`${JSON.stringify(value)} in every field`, duck(recordWith(Object.fromEntries(RECORD_STRING_FIELDS.map((f) => [f, v]))))]);
        for (const field of RECORD_STRING_FIELDS) {
          const base: Record<string, unknown> = {};
          for (const other of RECORD_STRING_FIELDS) base[other] = `${other}-${i}-${field}-${t.uid}`;
          tokens.push([`${JSON.stringify(value)} in ${field}`, duck(recordWith({ ...base, [field]: v }))]);
        }
      }
      await expectRejectedSaves(t, tokens);
      await expectReadBack(t, twins, 'the U+FFFD twins after the rejected saves');
    },
  },
  {
    id: 'validation.unstorable-strings.find',
    title:
      'findToken with a lone surrogate or NUL in an identifier (id, user name, grant/refresh token with clientId, access token), findTokenById and deleteToken with such an id, reject with INVALID_ARGUMENT and never select the U+FFFD twin',
    async run(t) {
      const twins = await saveTwins(t);
      for (const value of UNSTORABLE_STRINGS) {
        const v = `${value}:${t.uid}`;
        // The twin's client id, so a lossy store would select the twin by grant or refresh token.
        const clientId = `${utf8Twin(value)}:${t.uid}`;
        for (const field of ['id', 'userName', 'grantToken', 'refreshToken', 'accessToken'] as const) {
          const probe = duck(recordWith({ clientId, [field]: v }));
          await expectStoreError(t, () => t.store.findToken(probe), 'INVALID_ARGUMENT', `findToken(${JSON.stringify(value)} as ${field})`);
        }
        await expectStoreError(t, () => t.store.findTokenById(v), 'INVALID_ARGUMENT', `findTokenById(${JSON.stringify(value)})`);
        await expectStoreError(t, () => t.store.deleteToken(v), 'INVALID_ARGUMENT', `deleteToken(${JSON.stringify(value)})`);
      }
      await expectReadBack(t, twins, 'the U+FFFD twins after the rejected probes and deletes');
    },
  },
];
