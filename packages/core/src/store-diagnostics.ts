import { LOOKUP_FIELDS, type LookupField } from './token-record.js';

/** A file a store keeps tokens in (or its directory), as `stat` sees it. */
export interface FileDiagnostics {
  readonly path: string;
  readonly exists: boolean;
  /** Permission bits (`mode & 0o777`), when the file exists. */
  readonly mode?: number;
  /** The file's owner, when it exists (compare with the process's uid). */
  readonly ownerUid?: number;
  /** Permission bits of the directory holding it (whoever can write there can replace the file). */
  readonly directoryMode?: number;
}

/**
 * What a store can tell about its own health without changing anything: `RecordTokenStore.diagnose()`,
 * backed by the optional `RecordBackend.diagnose()`. Facts, not verdicts: a tool (`tokenstore doctor`)
 * decides what is wrong. Never holds a secret (no values, no credentials).
 */
export interface StoreDiagnostics {
  /** The store's name, e.g. `PostgresStore`. */
  readonly store: string;
  /**
   * The schema version found in the backing storage (`null`: the store was never created there) and
   * the one this release expects. Absent for stores without a versioned schema (documents).
   */
  readonly schemaVersion?: { readonly found: number | null; readonly expected: number };
  /**
   * Lookups of the contract not served by an index (each then costs a scan of every record). Empty:
   * every lookup is indexed. Absent: the store cannot tell (or keeps everything in memory).
   */
  readonly unindexedLookups?: readonly LookupField[];
  /** The files holding tokens (file-based stores), for permission and ownership checks. */
  readonly files?: readonly FileDiagnostics[];
  /** Anything else worth saying, in plain words. */
  readonly notes?: readonly string[];
}

/** The lookups of the contract for which `isIndexed` says no, in LOOKUP_FIELDS order (for `unindexedLookups`). */
export function lookupsWithoutIndex(isIndexed: (field: LookupField) => boolean): LookupField[] {
  return LOOKUP_FIELDS.filter((field) => !isIndexed(field));
}
