import type { OAuthToken, TokenStore } from '@tokenstore/core';
import type { TokenRecord } from '@tokenstore/core/store-kit';

/** A store with the store kit's bulk copy by id (every store built on RecordTokenStore has it). */
export interface BulkCopyTarget extends TokenStore {
  putRecords(records: readonly TokenRecord[]): Promise<void>;
}

export function hasPutRecords(store: TokenStore): store is BulkCopyTarget {
  return typeof (store as Partial<BulkCopyTarget>).putRecords === 'function';
}

/**
 * Copies every token into `target` exactly, by id, `batchSize` records per `putRecords` call and
 * `inFlight` calls at once, reporting the records done. Idempotent: putRecords replaces a record whose
 * id is there (a rerun after a crash replaces what the first run wrote) and inserts the rest; it never
 * matches by user or token value, so records that a save would merge stay separate.
 */
export async function putInBatches(tokens: readonly OAuthToken[], target: BulkCopyTarget, batchSize: number, inFlight: number, onDone: (done: number) => void): Promise<void> {
  const batches: OAuthToken[][] = [];
  for (let start = 0; start < tokens.length; start += batchSize) batches.push(tokens.slice(start, start + batchSize));
  let done = 0;
  await inParallel(batches, inFlight, async (batch) => {
    await target.putRecords(batch.map((token) => token.toRecord()));
    onDone((done += batch.length));
  });
}

/**
 * For a store without putRecords (one implementing TokenStore directly): every token through
 * `saveToken`, `concurrency` at a time. An upsert by id (the contract's first identifier) in the
 * common case, but through the matching rules: a record without a user may match another record by
 * its refresh or access token, which the verification then reports.
 */
export async function saveOneByOne(tokens: readonly OAuthToken[], target: TokenStore, concurrency: number, onDone: (done: number) => void): Promise<void> {
  let done = 0;
  await inParallel(tokens, concurrency, async (token) => {
    await target.saveToken(token);
    onDone(++done);
  });
}

async function inParallel<T>(items: readonly T[], width: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) await work(items[next++] as T);
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(width, items.length)) }, worker));
}
