import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { createServer } from 'node:net';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { MongoClient, type Db } from 'mongodb';
import { MongoStore, type MongoStoreOptions } from '../src/index.js';

/** The test server (scripts/services: FerretDB). Tests fail, never skip, when it is unreachable. */
export const MONGO_URL = process.env.TOKENSTORE_MONGO_URL ?? 'mongodb://127.0.0.1:27017/tokenstore_test';

export const SERVICES_SCRIPT = fileURLToPath(new URL('../../../scripts/services', import.meta.url));

export function uniqueName(prefix: string): string {
  return `${prefix}_${randomBytes(6).toString('hex')}`;
}

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

/** Stores opened by a test file, closed (and their collections dropped) by `cleanup`. */
export class StoreTracker {
  readonly #stores: MongoStore[] = [];
  readonly #collections = new Set<string>();

  open(options: Partial<MongoStoreOptions> & { collection: string }): MongoStore {
    const store = new MongoStore(
      (options.client ? options : { url: MONGO_URL, clientOptions: { maxPoolSize: 4 }, ...options }) as MongoStoreOptions,
    );
    this.#stores.push(store);
    this.#collections.add(options.collection);
    return store;
  }

  async cleanup(db: Db): Promise<void> {
    await Promise.all(this.#stores.splice(0).map((s) => s.close()));
    for (const collection of this.#collections) await dropStoreCollections(db, collection);
    this.#collections.clear();
  }
}

/** A TCP port on 127.0.0.1 that nothing listens on (it was free a moment ago, then closed). */
export async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** The FerretDB binary scripts/services runs (same search order as the script). */
export function ferretdbBinary(): string {
  const candidates = [process.env.FERRETDB_BIN, join(process.env.GOPATH?.split(':')[0] ?? join(homedir(), 'go'), 'bin', 'ferretdb'), join(homedir(), 'go', 'bin', 'ferretdb')];
  const found = candidates.find((c): c is string => typeof c === 'string' && c !== '' && existsSync(c));
  if (!found) throw new Error(`FerretDB binary not found (looked at ${candidates.filter(Boolean).join(', ')}); run scripts/services start`);
  return found;
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, Math.max(0, ms)));
