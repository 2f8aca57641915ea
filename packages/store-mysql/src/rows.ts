import { RECORD_FIELDS, recordFromColumns, type TokenRecord, TokenStoreError } from '@tokenstore/core/store-kit';
import { MAX_VALUE_BYTES } from './schema.js';

/**
 * A row (keyed by column name) to a record. `expiry_time` is a BIGINT in tables MySQLStore creates and
 * a VARCHAR(20) of epoch milliseconds in Zoho's; mysql2 returns a number or a string, and
 * `recordFromColumns` accepts both. A row that cannot be read is STORE_CORRUPT; the message names the
 * field, never its value.
 */
export function recordFromRow(row: Record<string, unknown>): TokenRecord {
  return recordFromColumns(row, 'MySQLStore');
}

/**
 * A record's values in RECORD_FIELDS order, as statement parameters. expiresAt travels as a decimal
 * string: exact for a BIGINT column and the format Zoho's VARCHAR column holds.
 */
export function rowValues(record: TokenRecord): (string | null)[] {
  return RECORD_FIELDS.map((field) => {
    const value = record[field];
    if (value === null) return null;
    if (typeof value === 'string' && Buffer.byteLength(value, 'utf8') > MAX_VALUE_BYTES) {
      throw new TokenStoreError('INVALID_ARGUMENT', `MySQLStore: token field "${field}" is longer than ${MAX_VALUE_BYTES} bytes, the most a TEXT column holds`);
    }
    return String(value);
  });
}
