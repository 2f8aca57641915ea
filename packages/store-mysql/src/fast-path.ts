import { RECORD_FIELDS, type TokenRecord } from '@tokenstore/core/store-kit';
import { rowValues } from './rows.js';
import { column, lookupKey, quote, sha256 } from './schema.js';

/** Every column but id: a replaced record keeps its id. */
const UPDATE_FIELDS = RECORD_FIELDS.filter((field) => field !== 'id');

/** The SET list of every replace of a record in the token table aliased `alias` (every field but id). */
export function assignments(alias: string): string {
  return UPDATE_FIELDS.map((field) => `${alias}.${quote(column(field))} = ?`).join(', ');
}

/** `assignments`' parameters for `record`, in the same order. */
export function assignedValues(record: TokenRecord): (string | null)[] {
  const values = rowValues(record);
  return UPDATE_FIELDS.map((field) => values[RECORD_FIELDS.indexOf(field)] ?? null);
}

/**
 * The save fast path's UPDATE of the token table aliased `t` (replaceIfSelectable, and the lock's
 * replaceAndRelease, which joins the lease row into it): `set` assigns every field but id, `where`
 * selects the record with this id if it has no user or this one. The owner check compares the user
 * name's SHA-256 column, byte-exact, where `user_name = ?` would ignore trailing spaces (MariaDB's
 * utf8mb4_bin is PAD SPACE). InnoDB's UPDATE reads the latest committed row under its row lock, so the
 * check and the write are one atomic step.
 */
export function fastPathUpdate(alias: string): { set: string; where: string } {
  const userHash = `${alias}.${quote(lookupKey('userName').hashColumn)}`;
  return {
    set: assignments(alias),
    where: `${alias}.${quote(lookupKey('id').hashColumn)} = ? AND (${userHash} IS NULL OR ${userHash} = ?)`,
  };
}

/** `fastPathUpdate`'s parameters for `record` (which has an id and a user name): `set`'s, then `where`'s. */
export function fastPathValues(record: TokenRecord): (string | Buffer | null)[] {
  return [...assignedValues(record), sha256(record.id as string), sha256(record.userName as string)];
}
