import { createHash } from 'node:crypto';
import { LOOKUP_FIELDS, RECORD_COLUMNS, RECORD_FIELDS, RECORD_STRING_FIELDS, assertIdentifierName, type LookupField, type RecordField, TokenStoreError } from '@tokenstore/core/store-kit';

/** The default table: the one the Zoho SDKs' DBStore uses, so an existing Zoho table is picked up. */
export const DEFAULT_TABLE = 'oauthtoken';

/** MySQL names are at most 64 characters and the store adds `_migrations` (11) to the table name. */
export const MAX_TABLE_LENGTH = 53;

/**
 * Values are TEXT: at most 65,535 bytes of UTF-8. Checked before writing because a server without
 * strict mode would silently truncate a longer value instead of rejecting it.
 */
export const MAX_VALUE_BYTES = 65_535;

/** The collation of every value column: byte order, so case and accents always count. */
export const VALUE_COLLATION = 'utf8mb4_bin';

export interface SchemaNames {
  readonly table: string;
  readonly qualifiedTable: string;
  readonly qualifiedLeaseTable: string;
  readonly qualifiedMigrationTable: string;
}

export function schemaNames(tableOption: unknown): SchemaNames {
  const table = assertIdentifierName(tableOption ?? DEFAULT_TABLE, 'MySQLStore: table');
  if (table.length > MAX_TABLE_LENGTH) {
    throw new TokenStoreError('INVALID_ARGUMENT', `MySQLStore: table must be at most ${MAX_TABLE_LENGTH} characters`);
  }
  return {
    table,
    qualifiedTable: quote(table),
    qualifiedLeaseTable: quote(`${table}_leases`),
    qualifiedMigrationTable: quote(`${table}_migrations`),
  };
}

/** Quotes an identifier that `assertIdentifierName` already accepted (letters, digits, underscore). */
export function quote(identifier: string): string {
  return `\`${identifier}\``;
}

/** The column of a record field (Zoho's names: `user_name`, `expiry_time`, ...). */
export function column(field: RecordField): string {
  return RECORD_COLUMNS[field];
}

/** The string columns, in RECORD_STRING_FIELDS order. */
export const STRING_COLUMNS = RECORD_STRING_FIELDS.map((field) => column(field));

/** Every column of a token row, in RECORD_FIELDS order (the order of `rowValues`). */
export const COLUMN_LIST = RECORD_FIELDS.map((field) => quote(column(field))).join(', ');

/**
 * Each lookup column has a stored generated column holding the SHA-256 of its value, and the index is
 * on that hash. Why: an index on the TEXT value itself could only cover a prefix (InnoDB keys are at
 * most 3072 bytes), so two long tokens sharing a prefix would share index entries and, for id and
 * user_name, a prefix UNIQUE index would reject distinct values. And every utf8mb4 `_bin` collation of
 * MariaDB and MySQL 5.7 is PAD SPACE, so 'x' and 'x ' would collide in a unique index on the value. The
 * hash is of the stored bytes: exact, of fixed size, and maintained by the server for rows any client
 * writes (a Zoho SDK sharing the table included).
 */
export interface LookupKey {
  readonly field: LookupField;
  readonly column: string;
  readonly hashColumn: string;
  readonly index: string;
  readonly unique: boolean;
}

export const LOOKUP_KEYS: readonly LookupKey[] = LOOKUP_FIELDS.map((field) => ({
  field,
  column: column(field),
  hashColumn: `${column(field)}_sha256`,
  index: `${column(field)}_${field === 'id' || field === 'userName' ? 'uq' : 'ix'}`,
  unique: field === 'id' || field === 'userName',
}));

export function lookupKey(field: LookupField): LookupKey {
  return LOOKUP_KEYS.find((k) => k.field === field) as LookupKey;
}

/** SHA-256 of a value's UTF-8 bytes: what the generated `*_sha256` columns hold for it. */
export function sha256(value: string): Buffer {
  return createHash('sha256').update(value, 'utf8').digest();
}
