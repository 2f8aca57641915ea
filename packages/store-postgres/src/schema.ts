import { RECORD_COLUMNS, RECORD_FIELDS, assertIdentifierName, type LookupField, type RecordField, TokenStoreError } from '@tokenstore/core/store-kit';

/** The default table name: the one the Zoho SDKs' DBStore uses. */
export const DEFAULT_TABLE = 'oauthtoken';
/** The default schema. */
export const DEFAULT_SCHEMA = 'public';

/**
 * The longest table name accepted. Every object PostgresStore creates is named `<table>_<suffix>`
 * (longest suffix: `_refresh_token_ix`, 17 characters) and PostgreSQL silently truncates names beyond
 * 63 bytes, which could make two stores' objects collide. 40 leaves room for every suffix.
 */
export const MAX_TABLE_LENGTH = 40;

/** Names of every object PostgresStore creates for one token table, derived from validated names. */
export interface SchemaNames {
  readonly schema: string;
  readonly table: string;
  /** `"schema"."table"`, ready to splice into a statement. */
  readonly qualifiedTable: string;
  readonly qualifiedLeaseTable: string;
  readonly qualifiedMigrationTable: string;
  /** Index (or constraint) serving each lookup field. */
  readonly lookupIndex: Readonly<Record<LookupField, string>>;
}

export function schemaNames(schemaOption: unknown, tableOption: unknown): SchemaNames {
  const schema = assertIdentifierName(schemaOption ?? DEFAULT_SCHEMA, 'PostgresStore: schema');
  const table = assertIdentifierName(tableOption ?? DEFAULT_TABLE, 'PostgresStore: table');
  if (table.length > MAX_TABLE_LENGTH) {
    throw new TokenStoreError('INVALID_ARGUMENT', `PostgresStore: table must be at most ${MAX_TABLE_LENGTH} characters`);
  }
  return {
    schema,
    table,
    qualifiedTable: `${quote(schema)}.${quote(table)}`,
    qualifiedLeaseTable: `${quote(schema)}.${quote(`${table}_leases`)}`,
    qualifiedMigrationTable: `${quote(schema)}.${quote(`${table}_migrations`)}`,
    lookupIndex: {
      id: `${table}_id_uq`,
      userName: `${table}_user_name_uq`,
      grantToken: `${table}_grant_token_ix`,
      refreshToken: `${table}_refresh_token_ix`,
      accessToken: `${table}_access_token_ix`,
    },
  };
}

/** Quotes an identifier that `assertIdentifierName` already accepted (letters, digits, underscore). */
export function quote(identifier: string): string {
  return `"${identifier}"`;
}

/** The column of a record field. */
export function column(field: RecordField): string {
  return quote(RECORD_COLUMNS[field]);
}

/** Every column of a token row, in RECORD_FIELDS order (the order of `rowValues`). */
export const COLUMN_LIST = RECORD_FIELDS.map((field) => column(field)).join(', ');
