import type { Pool } from 'mysql2/promise';

/** How many released lease rows a lock lets stand before it deletes them in one statement. */
export const RELEASED_BATCH = 64;

/**
 * The lease rows this process released by marking them (`expires_at = 0`, in replaceAndRelease's
 * multi-table UPDATE: MySQL has no statement that updates one table and deletes from another), deleted
 * in batches so the lease table stays bounded: once RELEASED_BATCH are marked, one DELETE removes them
 * in the background; `flush` (on close) removes the rest. A marked row is free to any acquire either
 * way. The DELETE re-checks the mark under the row lock, so a row taken again meanwhile stays.
 *
 * A failed DELETE is not retried: its rows are released already, and the next acquire of each key
 * reuses its row. Only rows of keys this process released are ever touched (by primary key), so the
 * DELETE never scans the table or waits on other keys.
 */
export class ReleasedLeases {
  readonly #pool: Pool;
  readonly #table: string;
  /** Marked keys by their hex, so a key released twice is deleted once. */
  #marked = new Map<string, Buffer>();
  #deleting: Promise<void> | undefined;

  constructor(pool: Pool, qualifiedLeaseTable: string) {
    this.#pool = pool;
    this.#table = qualifiedLeaseTable;
  }

  /** `keyHash`'s row was just marked released. */
  add(keyHash: Buffer): void {
    this.#marked.set(keyHash.toString('hex'), keyHash);
    if (this.#marked.size >= RELEASED_BATCH && this.#deleting === undefined) {
      this.#deleting = this.#deleteMarked().finally(() => {
        this.#deleting = undefined;
      });
    }
  }

  /** Deletes every marked row (waiting for a batch already on its way). */
  async flush(): Promise<void> {
    await this.#deleting;
    await this.#deleteMarked();
  }

  async #deleteMarked(): Promise<void> {
    const keys = [...this.#marked.values()];
    this.#marked = new Map();
    if (keys.length === 0) return;
    await this.#pool
      .execute(`DELETE FROM ${this.#table} WHERE \`expires_at\` = 0 AND \`key_hash\` IN (${keys.map(() => '?').join(', ')})`, keys)
      .catch(() => undefined);
  }
}
