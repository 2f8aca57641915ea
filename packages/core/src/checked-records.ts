import { RECORD_FIELDS, type TokenRecord } from './token-record.js';

/**
 * Records core's read-side check (`recordFromUnknown`) produced, each with a frozen copy of what was
 * checked. A store's backend checks every row it reads (mapping a failure to STORE_CORRUPT), and the
 * kit then makes a token of it: without this the same record was checked twice on every read, about
 * 1 µs of a SQLite findToken's ~20.
 *
 * The copy, not the record, is what is trusted: a record is a plain mutable object a backend could
 * still change after the check, so it is trusted only while every field is identical (`===`) to the
 * copy; anything else is checked again in full. Weak, so a record no one holds is not kept alive.
 */
const checkedCopies = new WeakMap<TokenRecord, Readonly<TokenRecord>>();

/** Remembers that `record`, as it is now, passed core's check. */
export function rememberChecked(record: TokenRecord): TokenRecord {
  checkedCopies.set(record, Object.freeze({ ...record }));
  return record;
}

/** The frozen copy of `record` as core checked it, if it was and is unchanged since; else undefined. */
export function checkedCopyOf(record: TokenRecord): Readonly<TokenRecord> | undefined {
  const copy = checkedCopies.get(record);
  if (copy === undefined) return undefined;
  for (const field of RECORD_FIELDS) if (record[field] !== copy[field]) return undefined;
  return copy;
}
