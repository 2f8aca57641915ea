import type { OpenedStore } from './types.js';

/** For a store on a database server: why it cannot be benched (no URL, package not built, server down), or null. */
export async function serverUnavailable(options: {
  /** The environment variable holding the URL, and its value. */
  env: string;
  url: string | undefined;
  /** Imports the store package; rejects when it is not built yet. */
  storeModule: () => Promise<unknown>;
  /** The server's name in the message, e.g. `PostgreSQL`. */
  server: string;
  /** Connects and disconnects once; rejects when the server does not answer. */
  probe: () => Promise<void>;
}): Promise<string | null> {
  if (!options.url) return `${options.env} is not set (run scripts/services start; eval "$(scripts/services env)")`;
  try {
    await options.storeModule();
  } catch (error) {
    return (error as Error).message;
  }
  try {
    await options.probe();
    return null;
  } catch (error) {
    return `${options.server} unreachable: ${(error as Error).message}`;
  }
}

/** drop() and close() of an opened store over the bench's own client: the store first, then the client. */
export function serverLifecycle(store: { close(): Promise<void> }, dropAll: () => Promise<void>, endClient: () => Promise<void>): Pick<OpenedStore, 'drop' | 'close'> {
  return {
    async drop() {
      await store.close();
      await dropAll();
      await endClient();
    },
    async close() {
      await store.close();
      await endClient();
    },
  };
}
