import { TokenStoreError } from './errors.js';

const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]{0,62}$/;

/**
 * Checks a table, schema or collection name taken from options before a store quotes it into a
 * statement. Only plain identifiers are accepted, so no option can smuggle SQL in.
 */
export function assertIdentifierName(name: unknown, what: string): string {
  if (typeof name !== 'string' || !IDENTIFIER.test(name)) {
    throw new TokenStoreError('INVALID_ARGUMENT', `${what} must match ${IDENTIFIER.source}`);
  }
  return name;
}
