import { RECORD_FIELDS, type TokenRecord, TokenStoreError } from '@tokenstore/core/store-kit';
import type { QueryResult } from 'pg';
import { isDeadlock, isUniquenessViolation, sanitizeDriverError } from './postgres-errors.js';
import { COLUMN_LIST, type SchemaNames } from './schema.js';

/** `unnest($1::text[], ..., $12::bigint[])`: one array parameter per column, whatever the batch size. */
const UNNEST = `unnest(${RECORD_FIELDS.map((field, i) => `$${i + 1}::${field === 'expiresAt' ? 'bigint' : 'text'}[]`).join(', ')})`;

/**
 * `RecordBackend.insertMany` for PostgreSQL: the whole batch in ONE statement, `INSERT ... SELECT *
 * FROM unnest(<one array per column>)`. One statement is atomic on its own (no transaction, no
 * connection held across round trips), takes 12 parameters for any number of rows (a VALUES list
 * would hit the protocol's 65,535-parameter limit at 5,461 rows), and is planned once. No ON CONFLICT:
 * a taken id or user name fails the whole statement (nothing inserted) and is reported STORE_CONFLICT.
 * So is a deadlock (two bulk inserts of overlapping batches in different orders wait on each other's
 * rows, and one is failed): it inserted nothing either, and the kit's per-record copy takes over.
 */
export async function insertRowsInOneStatement(
  query: (text: string, values: unknown[]) => Promise<QueryResult>,
  names: SchemaNames,
  records: readonly TokenRecord[],
): Promise<void> {
  const columns = RECORD_FIELDS.map((field) => records.map((record) => record[field]));
  try {
    await query(`INSERT INTO ${names.qualifiedTable} (${COLUMN_LIST}) SELECT * FROM ${UNNEST}`, columns);
  } catch (error) {
    if (isUniquenessViolation(error) || isDeadlock(error)) {
      throw new TokenStoreError('STORE_CONFLICT', 'PostgresStore: an id or user name of the batch is already taken', { cause: sanitizeDriverError(error) });
    }
    throw error;
  }
}
