import { TokenStoreError } from './errors.js';
import { RECORD_COLUMNS, RECORD_FIELDS, recordFromUnknown, type TokenRecord } from './token-record.js';

/**
 * A row keyed by column name (RECORD_COLUMNS: `user_name`, `expiry_time`, ...) to a record, for the
 * SQL stores. `recordFromUnknown` checks each field; a row that cannot be read is STORE_CORRUPT, and
 * the message (prefixed with `store`) names the field, never its value.
 */
export function recordFromColumns(row: Record<string, unknown>, store: string): TokenRecord {
  const source: Record<string, unknown> = {};
  for (const field of RECORD_FIELDS) source[field] = row[RECORD_COLUMNS[field]];
  try {
    return recordFromUnknown(source);
  } catch (error) {
    throw new TokenStoreError('STORE_CORRUPT', `${store}: a stored row cannot be read: ${(error as Error).message}`);
  }
}
