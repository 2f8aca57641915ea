import { RECORD_COLUMNS, RECORD_FIELDS, TokenStoreError, recordFromUnknown, type TokenRecord } from '@tokenstore/core';

/**
 * A row as pg returns it (keyed by column name) to a record. `expiry_time` is a BIGINT, which pg
 * returns as a string unless the app installed its own type parser; `recordFromUnknown` accepts
 * both. A row that cannot be read is STORE_CORRUPT; the message names the field, never its value.
 */
export function recordFromRow(row: Record<string, unknown>): TokenRecord {
  const source: Record<string, unknown> = {};
  for (const field of RECORD_FIELDS) source[field] = row[RECORD_COLUMNS[field]];
  try {
    return recordFromUnknown(source);
  } catch (error) {
    throw new TokenStoreError('STORE_CORRUPT', `PostgresStore: a stored row cannot be read: ${(error as Error).message}`);
  }
}

/** A record's values in RECORD_FIELDS order, as statement parameters. */
export function rowValues(record: TokenRecord): unknown[] {
  return RECORD_FIELDS.map((field) => record[field]);
}
