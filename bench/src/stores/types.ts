import type { TokenStore } from '@tokenstore/core';
import type { TokenRecord } from '@tokenstore/core/store-kit';
import type { StoreKind } from '../lib/config.js';

/** A store opened by the bench, with what the measures need around it. */
export interface OpenedStore {
  kind: StoreKind;
  store: TokenStore;
  /** Adds records [from, to) directly through the driver, in bulk (not through saveToken). */
  bulkLoad(from: number, to: number): Promise<void>;
  /** After a bulk load: refresh planner statistics where the database has them. */
  analyze?(): Promise<void>;
  /**
   * The physical floor: the same lookup / write written directly with the raw driver, on the same
   * pool or connection the store uses. `findByUser` is the query behind findToken({ userSignature });
   * `updateById` the single statement that replaces a known record. `selectThenUpdate` is the two
   * statements the store's upsert actually issues (match, then replace), to separate the cost of the
   * extra round trip from the cost of the library code.
   */
  raw?: {
    label: string;
    findByUser(user: string): Promise<unknown>;
    updateById(record: TokenRecord): Promise<unknown>;
    selectThenUpdate?(record: TokenRecord): Promise<unknown>;
  };
  /** Lease rows, documents or files the store's lock has left (the fleet checks they stay bounded). */
  leaseCount?(): Promise<number>;
  /**
   * How many of those a quiet store may keep by design (default 0), and why: MongoStore keeps its
   * lease slots' top generations (the fence; see its README); MySQLStore up to 64 released rows per open
   * store, deleted in batches (`perProcess`: the bound is that many for each process's store). Any more
   * means one per token.
   */
  leaseBound?: { entries: number; perProcess?: boolean; why: string };
  /** Drops everything this store created (tables, files). */
  drop(): Promise<void>;
  close(): Promise<void>;
}

/**
 * What the Zoho SDKs' stores do (DBStore / FileStore): a new connection per call, SQL built by string
 * concatenation, no index on the looked-up column; saveToken = delete then insert, each on its own
 * connection. Used as the "before" baseline of the store-overhead measure.
 */
export interface ZohoBaseline {
  label: string;
  load(rows: number): Promise<void>;
  findByUser(user: string): Promise<TokenRecord | null>;
  save(record: TokenRecord): Promise<void>;
  drop(): Promise<void>;
}

export interface StoreAdapter {
  kind: StoreKind;
  label: string;
  /** null when usable, else why not (no URL, package not built yet, server down). */
  unavailable(): Promise<string | null>;
  /** `name`: a table / collection / file stem unique to the caller. */
  open(name: string): Promise<OpenedStore>;
  /** Just the store, for child processes (herd). */
  openStoreOnly(name: string): Promise<TokenStore>;
  zoho?(name: string): Promise<ZohoBaseline>;
  /** Whether several processes can share it (all but memory). */
  shared: boolean;
}

/** Escapes a value for a string-built SQL literal the way hand-written Zoho-era code does. */
export const sqlLiteral = (v: string | number | null): string => (v === null ? 'NULL' : typeof v === 'number' ? String(v) : `'${v.replace(/'/g, "''")}'`);
