import { afterAll, afterEach } from 'vitest';

/** Stores opened by a test file, closed (and their tables dropped) by `cleanup`. */
export class StoreTracker<S extends { close(): Promise<void> }, O> {
  readonly #stores: S[] = [];
  readonly #resources: { close(): Promise<unknown> }[] = [];
  readonly #tables = new Set<string>();
  readonly #open: (options: O) => S;
  readonly #tableOf: (options: O) => string;
  readonly #drop: (table: string) => Promise<void>;

  /**
   * `open` creates a store from a test's options, `tableOf` names what it writes to (any string
   * `drop` understands, e.g. `schema.table`), and `drop` removes that table and its companions.
   */
  constructor(open: (options: O) => S, tableOf: (options: O) => string, drop: (table: string) => Promise<void>) {
    this.#open = open;
    this.#tableOf = tableOf;
    this.#drop = drop;
  }

  open(options: O): S {
    const store = this.#open(options);
    this.#stores.push(store);
    this.#tables.add(this.#tableOf(options));
    return store;
  }

  /** Two stores on one table, each with its own pool: as far apart as two processes. */
  openPair(options: O): readonly [S, S] {
    return [this.open(options), this.open(options)] as const;
  }

  /** After each test of the file: close its stores, drop their tables; after the last, `end()` (the admin pool). */
  cleanUpAfterTests(end: () => Promise<unknown>): this {
    afterEach(() => this.cleanup());
    afterAll(async () => {
      await end();
    });
    return this;
  }

  /** Marks a table created outside a store for dropping by `cleanup`. */
  track(table: string): void {
    this.#tables.add(table);
  }

  /** Closes `resource` (a client or pool of the test's own, as an app's) in `cleanup`, after the stores. */
  closeAfterTest<R extends { close(): Promise<unknown> }>(resource: R): R {
    this.#resources.push(resource);
    return resource;
  }

  async cleanup(): Promise<void> {
    await Promise.all(this.#stores.splice(0).map((s) => s.close()));
    await Promise.all(this.#resources.splice(0).map((r) => r.close()));
    for (const table of this.#tables) await this.#drop(table);
    this.#tables.clear();
  }
}
