import type { LookupField, RecordBackend, TokenRecord } from '../../src/store-kit.js';

/**
 * The storage half of the kit's test backends: records in a Map, lookups by scan, copies out. Each
 * test's backend adds the insert and replace behaviour it plays (races, conflicts, counting), and may
 * override `lookedUp` to observe lookups.
 */
export abstract class MapBackend implements RecordBackend {
  readonly records = new Map<string, TokenRecord>();

  abstract insert(record: TokenRecord): Promise<void>;
  abstract replace(id: string, record: TokenRecord, expectedUserName: string | null): Promise<boolean>;

  /** Called before each lookup (no-op here). */
  protected lookedUp(_field: LookupField): void {}

  async findBy(field: LookupField, value: string): Promise<readonly TokenRecord[]> {
    this.lookedUp(field);
    return [...this.records.values()].filter((r) => r[field] === value).map((r) => ({ ...r }));
  }

  async delete(id: string): Promise<void> {
    this.records.delete(id);
  }

  async list(): Promise<readonly TokenRecord[]> {
    return [...this.records.values()].map((r) => ({ ...r }));
  }

  async clear(): Promise<void> {
    this.records.clear();
  }
}
