import { type TokenRecord, TokenStoreError } from '@tokenstore/core/store-kit';
import type { Collection } from 'mongodb';
import { toDocument, type TokenDocument } from './documents.js';
import { isDuplicateKeyError, sanitizeDriverError } from './mongo-errors.js';

/**
 * `RecordBackend.insertMany` for MongoDB: one `insertMany` (the driver sends it in as few commands as
 * its size limits allow), unordered so one taken id or user name does not stop the rest. On a
 * duplicate key it reports STORE_CONFLICT with the other documents in: the kit then copies the batch
 * record by record, which replaces those by themselves (idempotent). Every document is built before
 * anything is sent.
 */
export async function insertDocuments(tokens: Collection<TokenDocument>, records: readonly TokenRecord[]): Promise<void> {
  const documents = records.map(toDocument);
  try {
    await tokens.insertMany(documents, { ordered: false });
  } catch (error) {
    if (isDuplicateKeyError(error)) {
      throw new TokenStoreError('STORE_CONFLICT', 'MongoStore: an id or user name of the batch is already taken', { cause: sanitizeDriverError(error) });
    }
    throw error;
  }
}
