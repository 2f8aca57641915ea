import { RecordTokenStore, TokenStoreError, type RefreshLock } from '@tokenstore/core/store-kit';
import { MongoClient, type MongoClientOptions } from 'mongodb';
import { MongoBackend } from './mongo-backend.js';
import { sanitizeDriverError } from './mongo-errors.js';
import { collectionNames } from './names.js';

interface CommonOptions {
  /** Database (default: the one named in the connection string, else the driver's default, `test`). */
  dbName?: string;
  /** Token collection (default `oauthtoken`): letters, digits and `_`, at most 63 characters. Leases go to `<collection>_leases`. */
  collection?: string;
}

export interface MongoClientStoreOptions extends CommonOptions {
  /** Your `MongoClient`. The store never closes it; `close()` only stops the store. */
  client: MongoClient;
  url?: never;
  clientOptions?: never;
}

export interface MongoUrlStoreOptions extends CommonOptions {
  /** `mongodb://` or `mongodb+srv://` connection string. The store creates a client and closes it on `close()`. */
  url: string;
  /** Extra `MongoClientOptions` for the store's own client (e.g. `tls`, `serverSelectionTimeoutMS`). */
  clientOptions?: MongoClientOptions;
  client?: never;
}

export type MongoStoreOptions = MongoClientStoreOptions | MongoUrlStoreOptions;

/**
 * Defaults of the client the store creates. A server that cannot be reached fails an operation with
 * STORE_UNAVAILABLE after 10 s instead of the driver's 30 s; a restart shorter than that is ridden out.
 */
const OWN_CLIENT_DEFAULTS: MongoClientOptions = {
  appName: 'tokenstore',
  serverSelectionTimeoutMS: 10_000,
};

/**
 * A TokenStore on a MongoDB collection (MongoDB 6/7, or any server speaking its protocol such as
 * FerretDB), through the `mongodb` driver. One document per token, lookups by indexed SHA-256 digests,
 * uniqueness of id and user name enforced by unique indexes, upserts by `insertOne`/`replaceOne` with
 * the kit's conflict retry, and `lock` as lease documents. See README.md.
 */
export class MongoStore extends RecordTokenStore {
  /** Always present: lease documents in `<collection>_leases` (see MongoLeaseLock). */
  declare readonly lock: RefreshLock;
  /** The client in use (yours if you passed `client`). */
  readonly client: MongoClient;
  readonly collectionName: string;
  readonly #backend: MongoBackend;

  constructor(options: MongoStoreOptions) {
    const { client, owns, names } = open(options);
    const backend = new MongoBackend(client, owns, names);
    super(backend, 'MongoStore');
    this.#backend = backend;
    this.client = client;
    this.collectionName = names.collection;
  }

  /** The database in use. */
  get dbName(): string {
    return this.#backend.databaseName;
  }

  /**
   * Creates the collection's indexes now (idempotent; safe from many processes at once). The first
   * operation does it anyway; call this to fail fast at start-up when the server is unreachable.
   */
  ensureIndexes(): Promise<void> {
    return this.setUpNow('ensureIndexes', () => this.#backend.setup());
  }
}

/**
 * The defaults the connection string does not set itself. The driver lets options passed as an object
 * win over the same options in the URL, so a default passed for a key the URL sets would override the
 * user's choice.
 */
function defaultsNotIn(url: string): MongoClientOptions {
  const query = url.includes('?') ? url.slice(url.indexOf('?') + 1).toLowerCase() : '';
  const inUrl = new Set(query.split('&').map((pair) => pair.split('=')[0]));
  return Object.fromEntries(Object.entries(OWN_CLIENT_DEFAULTS).filter(([key]) => !inUrl.has(key.toLowerCase())));
}

function open(options: MongoStoreOptions): { client: MongoClient; owns: boolean; names: ReturnType<typeof collectionNames> } {
  if (options === null || typeof options !== 'object') throw new TokenStoreError('INVALID_ARGUMENT', 'MongoStore: options must be an object');
  const names = collectionNames(options.dbName, options.collection);
  const hasClient = options.client !== undefined;
  const hasUrl = options.url !== undefined;
  if (hasClient === hasUrl) throw new TokenStoreError('INVALID_ARGUMENT', 'MongoStore: pass exactly one of `client` or `url`');

  if (hasClient) {
    const client = options.client as MongoClient;
    // Duck-typed: the app's client may come from another copy of the driver (ESM and CJS).
    if (typeof client?.db !== 'function' || typeof client.close !== 'function') {
      throw new TokenStoreError('INVALID_ARGUMENT', 'MongoStore: `client` must be a MongoClient');
    }
    if (options.clientOptions !== undefined) throw new TokenStoreError('INVALID_ARGUMENT', 'MongoStore: `clientOptions` applies only with `url`');
    return { client, owns: false, names };
  }
  const { url, clientOptions } = options as MongoUrlStoreOptions;
  if (typeof url !== 'string' || url === '') throw new TokenStoreError('INVALID_ARGUMENT', 'MongoStore: url must be a non-empty string');
  if (clientOptions !== undefined && (clientOptions === null || typeof clientOptions !== 'object')) {
    throw new TokenStoreError('INVALID_ARGUMENT', 'MongoStore: clientOptions must be an object');
  }
  try {
    // The client connects on its first operation; constructing it only parses the URL and options.
    return { client: new MongoClient(url, { ...defaultsNotIn(url), ...clientOptions }), owns: true, names };
  } catch (error) {
    // The driver's parse errors may quote the whole connection string, password included.
    throw new TokenStoreError('INVALID_ARGUMENT', 'MongoStore: url or clientOptions rejected by the MongoDB driver', { cause: sanitizeDriverError(error, [url]) });
  }
}
