import { TokenStoreError } from './errors.js';

/**
 * The one rule for every string a store persists or looks up (token fields, the user name, ids, lock
 * keys and owners): well-formed UTF-16 and no NUL.
 *
 * Why: stores hand strings to drivers that encode them as UTF-8 (pg, mysql2, better-sqlite3, BSON).
 * A lone surrogate has no UTF-8 form and is silently replaced by U+FFFD, so `mallory\uD800` would be
 * stored as, and match, `mallory\uFFFD`: another user's record. PostgreSQL text cannot hold NUL at all.
 * Rejecting both in core, before anything is written, gives every store the same behaviour.
 */
export function unstorableReason(value: string): string | undefined {
  if (!isWellFormed(value)) return 'is not well-formed Unicode (it contains an unpaired surrogate)';
  if (value.includes('\0')) return 'contains a NUL character';
  return undefined;
}

/** Throws INVALID_ARGUMENT when `value` is not a string that every store can persist exactly. `what` names it (never the value). */
export function assertStorableString(value: unknown, what: string): asserts value is string {
  if (typeof value !== 'string') throw new TokenStoreError('INVALID_ARGUMENT', `${what} must be a string`);
  const reason = unstorableReason(value);
  if (reason !== undefined) throw new TokenStoreError('INVALID_ARGUMENT', `${what} ${reason}`);
}

// Node >= 20 has String.prototype.isWellFormed (ES2024); the lib we compile against is older.
const nativeIsWellFormed = (String.prototype as { isWellFormed?: (this: string) => boolean }).isWellFormed;
/** In a `u` regexp a surrogate pair is one code point, so this matches unpaired surrogates only. */
const LONE_SURROGATE = /[\uD800-\uDFFF]/u;

function isWellFormed(value: string): boolean {
  return nativeIsWellFormed ? nativeIsWellFormed.call(value) : !LONE_SURROGATE.test(value);
}
