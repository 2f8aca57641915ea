import { TokenStoreError } from './errors.js';
import { CheckedRecord } from './checked-records.js';
import { assertStorableString } from './storable-string.js';

/**
 * The explicit serialisation of an OAuthToken: what stores persist, secrets included. Flat, so a
 * row, a document or a JSON object maps onto it field by field. Absent values are `null`.
 * Stores never persist through `toJSON` (which redacts secrets).
 */
export interface TokenRecord {
  id: string | null;
  userName: string | null;
  clientId: string | null;
  clientSecret: string | null;
  grantToken: string | null;
  refreshToken: string | null;
  accessToken: string | null;
  redirectUrl: string | null;
  /** Epoch milliseconds, absolute. */
  expiresAt: number | null;
  apiDomain: string | null;
  tokenType: string | null;
  scope: string | null;
}

/** The string fields of a record, in a fixed order stores can rely on (e.g. for column lists). */
export const RECORD_STRING_FIELDS = [
  'id',
  'userName',
  'clientId',
  'clientSecret',
  'grantToken',
  'refreshToken',
  'accessToken',
  'redirectUrl',
  'apiDomain',
  'tokenType',
  'scope',
] as const satisfies readonly (keyof TokenRecord)[];

/** Every field of a record, in a fixed order. */
export const RECORD_FIELDS = [...RECORD_STRING_FIELDS, 'expiresAt'] as const satisfies readonly (keyof TokenRecord)[];

export type RecordField = (typeof RECORD_FIELDS)[number];

/**
 * Column names shared by the SQL stores and the Zoho SDKs' tables (`oauthtoken`, `sdk_tokens.txt`):
 * snake_case, `expiry_time` for the expiry, `user_name` for the signature.
 */
export const RECORD_COLUMNS: Readonly<Record<RecordField, string>> = Object.freeze({
  id: 'id',
  userName: 'user_name',
  clientId: 'client_id',
  clientSecret: 'client_secret',
  grantToken: 'grant_token',
  refreshToken: 'refresh_token',
  accessToken: 'access_token',
  redirectUrl: 'redirect_url',
  expiresAt: 'expiry_time',
  apiDomain: 'api_domain',
  tokenType: 'token_type',
  scope: 'scope',
});

/** The fields a record can be looked up by (each must be served by an index in a store). */
export const LOOKUP_FIELDS = ['id', 'userName', 'grantToken', 'refreshToken', 'accessToken'] as const satisfies readonly RecordField[];

export type LookupField = (typeof LOOKUP_FIELDS)[number];

/** A record with every field null. */
export function emptyRecord(): TokenRecord {
  return {
    id: null,
    userName: null,
    clientId: null,
    clientSecret: null,
    grantToken: null,
    refreshToken: null,
    accessToken: null,
    redirectUrl: null,
    expiresAt: null,
    apiDomain: null,
    tokenType: null,
    scope: null,
  };
}

/**
 * Builds a record from loosely typed persisted data (a row, a document, parsed JSON), checking each
 * field's type and that every string is storable (well-formed UTF-16, no NUL: the rule every store
 * writes by, so a value breaking it was not written by tokenstore). Numeric strings are accepted for
 * `expiresAt` because the Zoho tables store it as text and some drivers return BIGINT as a string.
 * Throws a TokenStoreError INVALID_ARGUMENT naming the bad field (never its value); stores reading
 * their own data report it as STORE_CORRUPT. For a caller's token, `validateRecord` is the stricter check.
 */
export function recordFromUnknown(source: Record<string, unknown>): TokenRecord {
  // Remembered as checked, so the kit can make a token of a row a backend read without checking it twice.
  return new CheckedRecord(checkRecordFields(source));
}

/** `recordFromUnknown`'s check, without remembering the result (for a record about to be changed). */
export function checkRecordFields(source: Record<string, unknown>): TokenRecord {
  const record = emptyRecord();
  for (const field of RECORD_STRING_FIELDS) {
    const value = source[field];
    if (value === null || value === undefined) continue;
    assertStorableString(value, `token field "${field}"`);
    record[field] = value;
  }
  record.expiresAt = parseExpiresAt(source.expiresAt);
  return record;
}

/** Accepts an integer or an integer string (epoch ms); null/undefined/'' mean absent. */
export function parseExpiresAt(value: unknown): number | null {
  if (value === null || value === undefined || value === '') return null;
  const n = typeof value === 'string' && /^-?\d+$/.test(value.trim()) ? Number(value) : typeof value === 'bigint' ? Number(value) : value;
  if (typeof n !== 'number' || !Number.isSafeInteger(n)) {
    throw new TokenStoreError('INVALID_ARGUMENT', 'token field "expiresAt" must be an integer (epoch milliseconds)');
  }
  return n;
}
