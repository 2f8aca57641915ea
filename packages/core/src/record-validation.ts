import { TokenStoreError } from './errors.js';
import { assertStorableString } from './storable-string.js';
import { RECORD_STRING_FIELDS, emptyRecord, type RecordField, type TokenRecord } from './token-record.js';

/**
 * The write-side check of a record (what `saveToken` is about to persist, or a `findToken` probe):
 * every string field a string or null (undefined counts as null), each one storable (well-formed
 * UTF-16, no NUL: see `assertStorableString`), `expiresAt` a safe integer or null. Stricter than
 * `recordFromUnknown` (the read side), which also accepts integer strings for `expiresAt` because the
 * Zoho tables store it as text: a caller's token must carry a number.
 *
 * Returns a clean copy with exactly the record's fields (an empty user name becomes null: "no user"),
 * so what was checked is what gets written. Throws INVALID_ARGUMENT naming the field, never its value.
 */
export function validateRecord(source: unknown): TokenRecord {
  if (source === null || typeof source !== 'object') throw new TokenStoreError('INVALID_ARGUMENT', 'a token record must be an object');
  const input = readFields(source as Record<string, unknown>);
  const record = emptyRecord();
  for (const field of RECORD_STRING_FIELDS) {
    const value = input[field];
    if (value === null || value === undefined) continue;
    assertStorableString(value, `token field "${field}"`);
    record[field] = value;
  }
  if (record.userName === '') record.userName = null;
  const expiresAt = input.expiresAt;
  if (expiresAt !== null && expiresAt !== undefined) {
    if (typeof expiresAt !== 'number' || !Number.isSafeInteger(expiresAt)) {
      throw new TokenStoreError('INVALID_ARGUMENT', 'token field "expiresAt" must be an integer number (epoch milliseconds)');
    }
    record.expiresAt = expiresAt;
  }
  return record;
}

/**
 * Each field of a caller's object read once, into a plain object. A getter or proxy that throws is
 * INVALID_ARGUMENT, and its error is not kept as cause: a caller's object may put anything, secrets
 * included, in it (and an error that is not a TokenStoreError must not escape a store).
 */
function readFields(source: Record<string, unknown>): Record<RecordField, unknown> {
  try {
    // Spelled out: building it with Object.fromEntries over RECORD_FIELDS cost ~2 µs per call (a
    // quarter of a FileStore findToken), and every findToken and saveToken checks its token here.
    return {
      id: source.id,
      userName: source.userName,
      clientId: source.clientId,
      clientSecret: source.clientSecret,
      grantToken: source.grantToken,
      refreshToken: source.refreshToken,
      accessToken: source.accessToken,
      redirectUrl: source.redirectUrl,
      expiresAt: source.expiresAt,
      apiDomain: source.apiDomain,
      tokenType: source.tokenType,
      scope: source.scope,
    } satisfies Record<RecordField, unknown>;
  } catch {
    throw new TokenStoreError('INVALID_ARGUMENT', 'a token record could not be read: reading one of its fields threw');
  }
}

/**
 * The validated record of a token passed to a store: an OAuthToken, or any object with `toRecord()`
 * (duck-typed, since an app may load two copies of core). `toRecord()` is called once, so the record
 * that was checked is the one that is written. For stores that implement TokenStore directly; the
 * kit (RecordTokenStore) calls it in saveToken and findToken.
 */
export function recordOfToken(token: unknown): TokenRecord {
  const toRecord = (token as { toRecord?: unknown } | null | undefined)?.toRecord;
  if (typeof toRecord !== 'function') throw new TokenStoreError('INVALID_ARGUMENT', 'expected an OAuthToken');
  let record: unknown;
  try {
    record = toRecord.call(token);
  } catch {
    // The error is not passed on as cause: a caller's object may put anything, secrets included, in it.
    throw new TokenStoreError('INVALID_ARGUMENT', 'expected an OAuthToken: its toRecord() threw');
  }
  return validateRecord(record);
}
