import { TokenStoreError, isTokenStoreError } from './errors.js';
import { isBlank } from './matching.js';
import type { RecordBackend } from './record-backend.js';
import { validateRecord } from './record-validation.js';
import { RECORD_FIELDS, type TokenRecord } from './token-record.js';

/** How many times one record's copy re-reads after losing a race (a concurrent insert or rebind). */
const PUT_ATTEMPTS = 8;
/** Records copied one by one at once when the bulk insert is missing or refused (hides round trips). */
const FALLBACK_CONCURRENCY = 16;

/**
 * Copies records into a backend by id, exactly (what `tokenstore migrate` needs, and any bulk load):
 * a record whose id exists is replaced field for field, every other one is inserted. There is no
 * matching by user or token value, so records a save would merge (an unbound record sharing a refresh
 * token with a bound one) stay as separate as they were in the source.
 *
 * Before anything is written, every record is validated (`validateRecord`), must carry an id, and the
 * batch may hold an id or a user name only once: a bad batch writes nothing (INVALID_ARGUMENT).
 *
 * Fast path: the backend's optional `insertMany` (one transaction, one multi-row statement, one file
 * write). When it reports STORE_CONFLICT (some ids are there already, as on a rerun after a crash),
 * some records of the batch may be in; each record is then copied on its own, which is idempotent:
 * a record already there as it is in the batch is left alone (no write), a different one is replaced. A user name owned by another id in the target is
 * STORE_CONFLICT naming both ids (ids are not secret; user names and token values are never named),
 * unless that id is in the batch too, with another user or none: an older copy in which users moved
 * between records (a swap, a rotation), copied exactly in any order (the owner is unbound first).
 */
export async function putRecords(backend: RecordBackend, input: readonly TokenRecord[], name: string): Promise<void> {
  const records = validateBatch(input, name);
  if (records.length === 0) return;
  if (backend.insertMany) {
    try {
      await backend.insertMany(records);
      return;
    } catch (error) {
      if (!isTokenStoreError(error, 'STORE_CONFLICT')) throw error;
    }
  }
  const usersInBatch = new Map(records.map((record) => [record.id as string, record.userName]));
  let next = 0;
  const worker = async () => {
    while (next < records.length) await putRecord(backend, records[next++] as TokenRecord, usersInBatch, name);
  };
  await Promise.all(Array.from({ length: Math.min(FALLBACK_CONCURRENCY, records.length) }, worker));
}

function validateBatch(input: readonly TokenRecord[], name: string): TokenRecord[] {
  if (!Array.isArray(input)) throw new TokenStoreError('INVALID_ARGUMENT', `${name}: putRecords takes an array of records`);
  const ids = new Set<string>();
  const owners = new Map<string, string>();
  return elementsOf(input, name).map((raw, index) => {
    const record = validateRecord(raw);
    if (isBlank(record.id)) throw new TokenStoreError('INVALID_ARGUMENT', `${name}: putRecords: record ${index} has no id (records are copied by id)`);
    const id = record.id;
    if (ids.has(id)) throw new TokenStoreError('INVALID_ARGUMENT', `${name}: putRecords: id ${id} is in the batch twice`);
    ids.add(id);
    if (record.userName !== null) {
      const other = owners.get(record.userName);
      if (other !== undefined) throw new TokenStoreError('INVALID_ARGUMENT', `${name}: putRecords: records ${other} and ${id} have the same user name`);
      owners.set(record.userName, id);
    }
    return record;
  });
}

/**
 * One record by id: replace with the owner compare-and-swap if the id is there, else insert; re-read on
 * a lost race. `usersInBatch` (id -> user name of every record of the batch) tells a user the batch
 * takes away from its current owner from one another id owns for good (see freeUserMovedByBatch).
 */
async function putRecord(backend: RecordBackend, record: TokenRecord, usersInBatch: ReadonlyMap<string, string | null>, name: string): Promise<void> {
  const id = record.id as string;
  for (let attempt = 0; attempt < PUT_ATTEMPTS; attempt++) {
    const [existing] = await backend.findBy('id', id);
    try {
      if (existing === undefined) {
        await backend.insert(record);
        return;
      }
      // Already exactly this record (a rerun): nothing to write. For FileStore, where every write
      // rewrites the whole file, this is what keeps a rerun from costing a rewrite per record.
      if (RECORD_FIELDS.every((field) => existing[field] === record[field])) return;
      // The owner as read: a concurrent rebind makes this write nothing, and the next attempt re-reads.
      if (await backend.replace(id, record, existing.userName)) return;
    } catch (error) {
      if (!isTokenStoreError(error, 'STORE_CONFLICT')) throw error;
      await freeUserMovedByBatch(backend, record, usersInBatch, name, error);
      // Otherwise the id itself was inserted meanwhile (or the user was just freed): re-read and retry.
    }
  }
  throw new TokenStoreError('STORE_CONFLICT', `${name}: putRecords: record ${id} kept changing while it was copied`);
}

/**
 * After a user-name conflict: when the user's owner is a record of this batch that the batch binds to
 * another user (or none), the store holds an older copy in which users moved between records (two
 * swapped, or one moved on): the owner is unbound now (compare-and-swap on its user, its other fields
 * as read) and takes its own user when its copy runs; otherwise the conflict is for good (STORE_CONFLICT).
 * Copied in any order, a consistent batch so ends exactly as given, a swap or a rotation included.
 */
async function freeUserMovedByBatch(backend: RecordBackend, record: TokenRecord, usersInBatch: ReadonlyMap<string, string | null>, name: string, cause: unknown): Promise<void> {
  if (record.userName === null) return;
  const owner = (await backend.findBy('userName', record.userName)).find((r) => r.id !== record.id);
  if (owner === undefined) return;
  // In the batch, the owner has another user or none (a user name is in a batch once): free this one.
  if (usersInBatch.has(owner.id as string)) {
    await backend.replace(owner.id as string, { ...owner, userName: null }, owner.userName);
    return;
  }
  throw new TokenStoreError('STORE_CONFLICT', `${name}: putRecords: the user of record ${record.id} already owns record ${owner.id} in this store`, { cause });
}

/**
 * The batch's elements, each read once by index: a hole of a sparse array becomes undefined (and is
 * then rejected like any non-record) instead of being skipped by `map` and reaching the backend; a
 * proxy whose read throws is INVALID_ARGUMENT without its error (it may hold anything).
 */
function elementsOf(input: readonly unknown[], name: string): unknown[] {
  try {
    return Array.from({ length: input.length }, (_, index) => input[index]);
  } catch {
    throw new TokenStoreError('INVALID_ARGUMENT', `${name}: putRecords: reading the batch threw`);
  }
}
