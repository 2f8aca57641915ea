import { assertIdentifierName, TokenStoreError } from '@tokenstore/core/store-kit';

/** Default token collection: the Zoho SDKs' table name, so their users find their tokens where they expect. */
export const DEFAULT_COLLECTION = 'oauthtoken';

/** What the lease collection is called next to the token collection. */
export const LEASE_SUFFIX = '_leases';

/**
 * MongoDB's own rules for database names (no `/\. "$*<>:|?`, no NUL, under 64 bytes). Checked here so
 * a bad name fails at construction with INVALID_ARGUMENT, not on first use with a server error.
 */
const DB_NAME = /^[^/\\. "$*<>:|?\0]{1,63}$/u;

export interface CollectionNames {
  /** The database, or undefined for the client's default (the one named in the connection string). */
  readonly dbName: string | undefined;
  readonly collection: string;
  readonly leaseCollection: string;
}

export function collectionNames(dbName: unknown, collection: unknown): CollectionNames {
  if (dbName !== undefined && (typeof dbName !== 'string' || !DB_NAME.test(dbName) || Buffer.byteLength(dbName) > 63)) {
    throw new TokenStoreError('INVALID_ARGUMENT', 'MongoStore: dbName must be 1-63 bytes without / \\ . " $ * < > : | ? space or NUL');
  }
  // Plain identifiers only: no `$`, no dots (which would reach into `system.*` or another namespace).
  const name = assertIdentifierName(collection ?? DEFAULT_COLLECTION, 'MongoStore: collection');
  return { dbName, collection: name, leaseCollection: `${name}${LEASE_SUFFIX}` };
}
