import { RECORD_STRING_FIELDS, recordFromUnknown, type LookupField, type TokenRecord, TokenStoreError } from '@tokenstore/core/store-kit';
import { BSON, Long, type Document, type Filter } from 'mongodb';
import { lookupDigest } from './digest.js';

/**
 * How a TokenRecord is stored: one document per token.
 *
 * ```
 * { _id: sha256(id), id, userName?, clientId?, clientSecret?, grantToken?, refreshToken?, accessToken?,
 *   redirectUrl?, expiresAt?: Long, apiDomain?, tokenType?, scope?,
 *   userNameDigest?, grantTokenDigest?, refreshTokenDigest?, accessTokenDigest? }
 * ```
 *
 * Absent fields are left out of the document rather than stored as null: the unique index on
 * `userNameDigest` is sparse, and a sparse index skips documents that lack the field but indexes an
 * explicit null, so two tokens without a user would collide on null.
 *
 * The digest fields are top-level (not a `digests.*` subdocument) because FerretDB 1.x only pushes
 * top-level equality filters down to PostgreSQL; a dotted path makes it fetch the whole collection.
 */
export interface TokenDocument extends Document {
  _id: string;
  id: string;
}

/**
 * Options for every read: numbers come back as plain numbers whatever BSON options the app's client
 * was created with (`promoteLongs: false`, `useBigInt64`...).
 */
export const READ_OPTIONS = { promoteLongs: true, promoteValues: true, useBigInt64: false } as const;

/** The lookup fields other than id, each with a `<field>Digest` field and an index on it. */
export const DIGEST_FIELDS = ['userName', 'grantToken', 'refreshToken', 'accessToken'] as const satisfies readonly LookupField[];

export function digestField(field: (typeof DIGEST_FIELDS)[number]): string {
  return `${field}Digest`;
}

/**
 * The filter for "every document whose `field` equals `value` exactly": the digest (which an index
 * serves) and the value itself, each as `{ $eq: <string> }`. `$eq` with a string operand is a plain
 * comparison whatever the string holds, so a value such as `{"$gt":""}` or `$ne` is only ever
 * compared, never interpreted as an operator.
 */
export function lookupFilter(field: LookupField, value: string): Filter<TokenDocument> {
  assertString(value);
  const digest = lookupDigest(value);
  if (field === 'id') return { _id: { $eq: digest }, id: { $eq: value } };
  return { [digestField(field)]: { $eq: digest }, [field]: { $eq: value } } as Filter<TokenDocument>;
}

/** The filter for the document with this id (digest only: ids are unique by their digest). */
export function idFilter(id: string): Filter<TokenDocument> {
  assertString(id);
  return { _id: { $eq: lookupDigest(id) } };
}

/**
 * The document with this id, if its owner is `expectedUserName`: that user's digest, or no user at all
 * for `null` (`$exists: false`: an unbound document has no `userNameDigest` field).
 */
export function ownerFilter(id: string, expectedUserName: string | null): Filter<TokenDocument> {
  if (expectedUserName !== null) assertString(expectedUserName);
  const owner = expectedUserName === null ? { $exists: false } : { $eq: lookupDigest(expectedUserName) };
  return { ...idFilter(id), userNameDigest: owner } as Filter<TokenDocument>;
}

/** The document for a record (its id must be set). Rejects strings that BSON would alter. */
export function toDocument(record: TokenRecord): TokenDocument {
  const id = record.id;
  if (typeof id !== 'string' || id === '') throw new TypeError('MongoStore: a stored record needs an id');
  const document: TokenDocument = { _id: lookupDigest(id), id };
  for (const field of RECORD_STRING_FIELDS) {
    const value = record[field];
    if (value === null || field === 'id') continue;
    assertStorable(field, value);
    document[field] = value;
  }
  assertStorable('id', id);
  if (record.expiresAt !== null) {
    // Int64 whatever the size: a plain number would be stored as int32 or double depending on its
    // value. Every safe integer fits an int64 exactly.
    document.expiresAt = Long.fromNumber(record.expiresAt);
  }
  for (const field of DIGEST_FIELDS) {
    const value = record[field];
    if (value !== null) document[digestField(field)] = lookupDigest(value);
  }
  assertFitsDocument(document);
  return document;
}

/** MongoDB's limit on one document, in BSON bytes (FerretDB's too). */
const MAX_DOCUMENT_BYTES = 16 * 1024 * 1024;
/** What the field names, digests, id and expiry add at most beside the values (well over their ~700 bytes). */
const DOCUMENT_OVERHEAD_BYTES = 4096;

/**
 * A record too large for one document is bad input (INVALID_ARGUMENT, naming no value), refused before
 * anything is sent: otherwise the driver's serializer fails with a RangeError (STORE_FAILURE), or, in a
 * bulk insert, after the documents before it went in. Sized exactly only when the values could come
 * near the limit (UTF-8 takes at most 3 bytes per UTF-16 code unit): a save costs a length sum.
 */
function assertFitsDocument(document: TokenDocument): void {
  let units = 0;
  for (const field of RECORD_STRING_FIELDS) units += typeof document[field] === 'string' ? (document[field] as string).length : 0;
  if (units * 3 + DOCUMENT_OVERHEAD_BYTES <= MAX_DOCUMENT_BYTES) return;
  if (BSON.calculateObjectSize(document) > MAX_DOCUMENT_BYTES) {
    throw new TokenStoreError('INVALID_ARGUMENT', `MongoStore: the token record is larger than a MongoDB document may be (${MAX_DOCUMENT_BYTES} bytes of BSON)`);
  }
}

/** The record in a stored document. A document that is not one throws STORE_CORRUPT (naming the field, never its value). */
export function fromDocument(document: Document): TokenRecord {
  try {
    const record = recordFromUnknown({ ...pickStrings(document), expiresAt: numberFromBson(document.expiresAt) });
    if (record.id === null || record.id === '') throw new TypeError('token field "id" is missing');
    return record;
  } catch (error) {
    throw new TokenStoreError('STORE_CORRUPT', `MongoStore: a stored document is not a token (${(error as Error).message})`, { cause: error });
  }
}

function pickStrings(document: Document): Record<string, unknown> {
  const source: Record<string, unknown> = {};
  for (const field of RECORD_STRING_FIELDS) source[field] = document[field];
  return source;
}

/**
 * A stored integer as a number, whatever the reading client's BSON options made of it: a number
 * (default), a bigint (`useBigInt64`), a Long (`promoteLongs: false`) or a Double/Int32 wrapper
 * (`promoteValues: false`). Anything else is returned as is for `recordFromUnknown` to reject.
 */
export function numberFromBson(value: unknown): unknown {
  if (typeof value !== 'object' || value === null) return value;
  const bson = value as { _bsontype?: string; toBigInt?: () => bigint; valueOf: () => unknown };
  if (bson._bsontype === 'Long' && typeof bson.toBigInt === 'function') return bson.toBigInt();
  if (bson._bsontype === 'Double' || bson._bsontype === 'Int32') return bson.valueOf();
  return value;
}

/**
 * BSON strings are UTF-8: a string with an unpaired surrogate would be stored with U+FFFD in its place
 * and read back as a different value. Refuse it rather than alter it.
 */
function assertStorable(field: string, value: string): void {
  if (!isWellFormed(value)) {
    throw new TokenStoreError('INVALID_ARGUMENT', `MongoStore: token field "${field}" is not well-formed Unicode (an unpaired surrogate), which BSON cannot store exactly`);
  }
}

/** In a `u` regexp a surrogate pair is one code point, so this matches only unpaired surrogates. */
const LONE_SURROGATE = /[\uD800-\uDFFF]/u;

/** Whether BSON (UTF-8) can hold `value` exactly. */
export function isWellFormed(value: string): boolean {
  return !LONE_SURROGATE.test(value);
}

function assertString(value: unknown): asserts value is string {
  // The kit only passes strings; checked again here because this is where a value becomes a filter.
  if (typeof value !== 'string') throw new TokenStoreError('INVALID_ARGUMENT', 'MongoStore: lookup values must be strings');
}
