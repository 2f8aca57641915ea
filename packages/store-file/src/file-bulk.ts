import type { RecordIndex, TokenRecord } from '@tokenstore/core/store-kit';

/**
 * `RecordBackend.insertMany` for FileStore, as the change of one read-modify-write (`#mutate`): every
 * record into the records just read from disk, then ONE atomic, durable rewrite of the file. A taken
 * id or user name throws STORE_CONFLICT from the index before anything is written, so a batch is all
 * in or none of it. Why it matters: FileStore rewrites its whole file per write, so n single inserts
 * cost O(n^2) bytes written (100,000 tokens: hours); one batch costs one rewrite.
 */
export function insertAll(index: RecordIndex, records: readonly TokenRecord[]): { changed: boolean; result: undefined } {
  for (const record of records) index.insert(record);
  return { changed: records.length > 0, result: undefined };
}
