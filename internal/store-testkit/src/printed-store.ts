import { inspect } from 'node:util';
import { expect, it } from 'vitest';

/** A store that opens its own pool or client from a URL, and is closed by the test. */
export interface PrintedStoreOptions {
  /** The store's class name, as it prints. */
  readonly name: string;
  /** A store whose own connection URL holds `password` (nothing connects before the first operation). */
  open(password: string): { close(): Promise<void> };
}

/**
 * A store printed by the app (console.log, util.inspect, JSON.stringify): the pool or client it made
 * holds the connection string and the database password in its options, which must not show.
 */
export function printedStoreTest(options: PrintedStoreOptions): void {
  it(`${options.name} printed (inspect at any depth, JSON) shows no database password`, async () => {
    const password = 'inspect-db-password-5Kz';
    const store = options.open(password);
    try {
      for (const text of [inspect(store), inspect(store, { depth: Infinity, showHidden: true }), JSON.stringify(store)]) {
        expect(text).toContain(options.name);
        expect(text).not.toContain(password);
      }
    } finally {
      await store.close();
    }
  });
}
