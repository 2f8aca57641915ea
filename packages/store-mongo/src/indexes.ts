import type { Collection, CreateIndexesOptions, Document, IndexSpecification } from 'mongodb';
import { DIGEST_FIELDS, digestField } from './documents.js';

export interface IndexDefinition {
  readonly key: IndexSpecification;
  readonly options: CreateIndexesOptions & { name: string };
}

/**
 * The token collection's indexes (besides `_id`, which holds the id's digest and so makes ids unique).
 *
 * User names are unique through a *sparse* unique index: tokens without a user leave the field out and
 * are not indexed, so they never collide. A partial index (`partialFilterExpression: { $type: 'string' }`)
 * would say the same more explicitly, but FerretDB 1.x rejects partial indexes ("not implemented yet");
 * sparse behaves the same on MongoDB 6/7 and FerretDB as long as the field is absent, never null.
 */
export const TOKEN_INDEXES: readonly IndexDefinition[] = DIGEST_FIELDS.map((field) => ({
  key: { [digestField(field)]: 1 },
  options: field === 'userName' ? { name: `tokenstore_${field}`, unique: true, sparse: true } : { name: `tokenstore_${field}`, sparse: true },
}));

/**
 * The lease collection's index: one document per (slot, generation) (the slot is in the `key` field),
 * unique, so of several processes writing the same next generation exactly one succeeds. Descending on
 * `gen` so a slot's top generation is the first entry of the index.
 */
export const LEASE_INDEXES: readonly IndexDefinition[] = [{ key: { key: 1, gen: -1 }, options: { name: 'tokenstore_lease', unique: true } }];

/**
 * Creates the indexes (and with them the collection) if missing. Idempotent and safe to run from many
 * processes at once: creating an index that exists with the same definition is a no-op.
 *
 * One `createIndexes` command per index: FerretDB 1.24 drops the connection (a server-side panic) when
 * one command names several indexes that already exist, which is exactly what every process after the
 * first would send.
 */
export async function ensureIndexes<T extends Document>(collection: Collection<T>, indexes: readonly IndexDefinition[]): Promise<void> {
  for (const index of indexes) await collection.createIndex(index.key, index.options);
}
