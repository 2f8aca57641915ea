import { lookupsWithoutIndex, type StoreDiagnostics } from '@tokenstore/core/store-kit';
import type { Collection } from 'mongodb';
import { digestField, type TokenDocument } from './documents.js';

/** MongoDB's NamespaceNotFound: the collection does not exist (yet). */
const NAMESPACE_NOT_FOUND = 26;

/**
 * `RecordBackend.diagnose` for MongoDB, read only (it does not build the indexes it reports on):
 * which lookups lead an index of the token collection (the id through `_id`, every other lookup
 * through its `<field>Digest`). Documents have no schema version.
 */
export async function diagnoseMongo(tokens: Collection<TokenDocument>): Promise<Omit<StoreDiagnostics, 'store'>> {
  let indexes: { key: Record<string, unknown> }[];
  try {
    indexes = await tokens.indexes();
  } catch (error) {
    if ((error as { code?: unknown }).code !== NAMESPACE_NOT_FOUND) throw error;
    return { notes: [`no collection ${tokens.collectionName} yet: it is created, with its indexes, on the first use`] };
  }
  const leading = new Set(indexes.map((index) => Object.keys(index.key)[0]));
  return { unindexedLookups: lookupsWithoutIndex((field) => leading.has(field === 'id' ? '_id' : digestField(field))) };
}
