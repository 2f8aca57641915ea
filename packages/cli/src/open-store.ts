import { TokenStoreError, encryptedStore, keysFromEnv, KEYS_ENV_VARIABLE, type TokenStore } from '@tokenstore/core';
import { loadPackage, type PackageImporter } from './load-package.js';
import { parseStoreUrl, type StoreLocation } from './store-url.js';

export interface OpenOptions {
  /** For `doctor`: do not create or migrate the schema (SQL stores); report instead. */
  readonly noMigrate?: boolean;
  readonly importer?: PackageImporter;
}

export interface OpenedStore {
  readonly location: StoreLocation;
  /** The store as written (ciphertext stays ciphertext): what `migrate` copies. */
  readonly raw: TokenStore;
}

type StoreClass = new (options: Record<string, unknown>) => TokenStore;

/** Opens the store a URL names through its package (loaded on demand: it is an optional peer). */
export async function openStore(url: string, options: OpenOptions = {}): Promise<OpenedStore> {
  const location = parseStoreUrl(url);
  const module = await loadPackage(location.packageName, `a ${location.kind} store URL`, options.importer);
  const [className, storeOptions] = constructorCall(location, options);
  const Store = module[className] as StoreClass | undefined;
  if (typeof Store !== 'function') throw new TokenStoreError('STORE_FAILURE', `${location.packageName} does not export ${className}: is it an incompatible version?`);
  return { location, raw: new Store(storeOptions) };
}

function constructorCall(location: StoreLocation, options: OpenOptions): [string, Record<string, unknown>] {
  const migrate = options.noMigrate ? { migrate: false } : {};
  switch (location.kind) {
    case 'sqlite':
      return ['SQLiteStore', { filename: location.target, ...(location.table ? { table: location.table } : {}) }];
    case 'file':
      return ['FileStore', { path: location.target }];
    case 'postgres':
      return ['PostgresStore', { connectionString: location.target, ...pick(location, 'table', 'schema'), ...migrate }];
    case 'mysql':
      return ['MySQLStore', { uri: location.target, ...pick(location, 'table'), ...migrate }];
    case 'mongodb':
      return ['MongoStore', { url: location.target, ...pick(location, 'collection') }];
  }
}

function pick(location: StoreLocation, ...names: ('table' | 'schema' | 'collection')[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const name of names) if (location[name] !== undefined) out[name] = location[name] as string;
  return out;
}

/**
 * The store the way an application sees it: decrypted through the key ring in TOKENSTORE_KEYS when
 * that is set (`list`, `show`, `revoke` need the plaintext refresh token, presence flags etc.), as
 * written otherwise. `required`: the command cannot work without keys (`keys status|rotate`).
 */
export function applicationView(raw: TokenStore, required = false): TokenStore {
  const configured = process.env[KEYS_ENV_VARIABLE] !== undefined && process.env[KEYS_ENV_VARIABLE] !== '';
  if (!configured) {
    if (required) throw new TokenStoreError('INVALID_ARGUMENT', `set ${KEYS_ENV_VARIABLE} to the key ring ("id:<base64 key>,...", current key first)`);
    return raw;
  }
  return encryptedStore(raw, { keys: keysFromEnv() });
}

/** Closes a store, never hiding the command's own outcome behind a close error. */
export async function closeQuietly(store: TokenStore | undefined): Promise<void> {
  try {
    await store?.close?.();
  } catch {
    // The command already succeeded or failed on its own terms.
  }
}
