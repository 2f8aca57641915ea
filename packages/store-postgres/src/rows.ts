import { RECORD_FIELDS, recordFromColumns, type TokenRecord } from '@tokenstore/core/store-kit';

/**
 * A row as pg returns it (keyed by column name) to a record. `expiry_time` is a BIGINT, which pg
 * returns as a string unless the app installed its own type parser; `recordFromColumns` accepts
 * both. A row that cannot be read is STORE_CORRUPT; the message names the field, never its value.
 */
export function recordFromRow(row: Record<string, unknown>): TokenRecord {
  return recordFromColumns(row, 'PostgresStore');
}

/** A record's values in RECORD_FIELDS order, as statement parameters. */
export function rowValues(record: TokenRecord): unknown[] {
  return RECORD_FIELDS.map((field) => record[field]);
}

/** False when a field holds a NUL character, which PostgreSQL text cannot store (no such record can be stored). */
export function isStorableRecord(record: TokenRecord): boolean {
  return RECORD_FIELDS.every((field) => {
    const value = record[field];
    return typeof value !== 'string' || !value.includes('\0');
  });
}
