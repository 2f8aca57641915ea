import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { StoreTracker, TEST_URLS } from '@tokenstore/store-testkit';
import { MongoClient, type Db } from 'mongodb';
import { MongoStore, type MongoStoreOptions } from '../src/index.js';

/** The test server (scripts/services: FerretDB). Tests fail, never skip, when it is unreachable. */
export const MONGO_URL = TEST_URLS.mongo;

/** A client of the tests' own, for setting up and inspecting collections behind a store's back. */
export function adminClient(): MongoClient {
  return new MongoClient(MONGO_URL, { serverSelectionTimeoutMS: 10_000 });
}

/** Drops a store's token and lease collections. */
export async function dropStoreCollections(db: Db, collection: string): Promise<void> {
  for (const name of [collection, `${collection}_leases`]) await db.collection(name).drop().catch(ignoreNamespaceNotFound);
}

function ignoreNamespaceNotFound(error: unknown): void {
  // 26 NamespaceNotFound: the store never created it (e.g. the lock was never used).
  if ((error as { code?: unknown }).code !== 26) throw error;
}

type TestOptions = Partial<MongoStoreOptions> & { collection: string };

/** A MongoStore on `collection`: on the app's `client` when given, else with a client of its own from the URL (4 connections). */
export function openStore(options: TestOptions): MongoStore {
  return new MongoStore((options.client ? options : { url: MONGO_URL, clientOptions: { maxPoolSize: 4 }, ...options }) as MongoStoreOptions);
}

/** Stores opened by a test file, closed (and their collections dropped through `admin`) by `cleanup`. */
export function storeTracker(admin: MongoClient): StoreTracker<MongoStore, TestOptions> {
  return new StoreTracker(openStore, (options) => options.collection, (collection) => dropStoreCollections(admin.db(), collection));
}

/** The FerretDB binary scripts/services runs (same search order as the script). */
export function ferretdbBinary(): string {
  const candidates = [process.env.FERRETDB_BIN, join(process.env.GOPATH?.split(':')[0] ?? join(homedir(), 'go'), 'bin', 'ferretdb'), join(homedir(), 'go', 'bin', 'ferretdb')];
  const found = candidates.find((c): c is string => typeof c === 'string' && c !== '' && existsSync(c));
  if (!found) throw new Error(`FerretDB binary not found (looked at ${candidates.filter(Boolean).join(', ')}); run scripts/services start`);
  return found;
}
