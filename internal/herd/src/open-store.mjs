// Opens a TokenStore from a serialisable StoreSpec. Plain JavaScript on purpose: the parent (vitest,
// tsx) and the child processes (plain node, no loader) share this one file, and both import the
// store packages' built dist through their package exports.

/** Opens the store a spec names. Driver packages are imported lazily: a spec for a store whose
 *  package is not built fails with a clear message, the others keep working. */
export async function openStore(spec) {
  if (spec === null || typeof spec !== 'object') throw new TypeError('openStore: spec must be an object');
  switch (spec.kind) {
    case 'sqlite': {
      const { SQLiteStore } = await importStorePackage('@tokenstore/store-sqlite');
      return new SQLiteStore({ filename: spec.filename, ...(spec.table ? { table: spec.table } : {}) });
    }
    case 'file': {
      const { FileStore } = await importStorePackage('@tokenstore/store-file');
      return new FileStore({ path: spec.path });
    }
    case 'postgres': {
      const { PostgresStore } = await importStorePackage('@tokenstore/store-postgres');
      return new PostgresStore({ connectionString: spec.url, ...(spec.table ? { table: spec.table } : {}) });
    }
    case 'mysql': {
      const { MySQLStore } = await importStorePackage('@tokenstore/store-mysql');
      return new MySQLStore({ uri: spec.url, ...(spec.table ? { table: spec.table } : {}) });
    }
    case 'mongo': {
      const { MongoStore } = await importStorePackage('@tokenstore/store-mongo');
      return new MongoStore({ url: spec.url, ...(spec.dbName ? { dbName: spec.dbName } : {}), ...(spec.collection ? { collection: spec.collection } : {}) });
    }
    default:
      throw new TypeError(`openStore: unknown store kind ${JSON.stringify(spec.kind)}`);
  }
}

/**
 * The negative control: the same store with its `lock` capability hidden, so processes do not
 * coordinate refreshes (each process still has its own in-process single-flight).
 */
export function withoutLock(store) {
  return {
    findToken: (token) => store.findToken(token),
    findTokenById: (id) => store.findTokenById(id),
    saveToken: (token) => store.saveToken(token),
    deleteToken: (id) => store.deleteToken(id),
    getTokens: () => store.getTokens(),
    deleteTokens: () => store.deleteTokens(),
    close: async () => {
      await store.close?.();
    },
  };
}

/** A human-readable one-line description of a spec, without credentials. */
export function describeSpec(spec) {
  switch (spec?.kind) {
    case 'sqlite':
      return `sqlite:${spec.filename}`;
    case 'file':
      return `file:${spec.path}`;
    case 'postgres':
    case 'mysql':
    case 'mongo': {
      let where = '?';
      try {
        const url = new URL(spec.url);
        where = `${url.host}${spec.dbName ? `/${spec.dbName}` : url.pathname}`;
      } catch {
        // keep '?': never echo an unparsable URL, it may hold a password
      }
      return `${spec.kind}:${where}/${spec.table ?? spec.collection ?? 'default'}`;
    }
    default:
      return String(spec?.kind);
  }
}

async function importStorePackage(name) {
  try {
    return await import(name);
  } catch (error) {
    if (error && (error.code === 'ERR_MODULE_NOT_FOUND' || error.code === 'MODULE_NOT_FOUND')) {
      throw new Error(`${name} is not available (not a dependency of @tokenstore/herd, or not built: run \`pnpm turbo run build --filter ${name}...\`)`, { cause: error });
    }
    throw error;
  }
}
