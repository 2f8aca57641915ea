import { describe, expect, it } from 'vitest';
import { LOOKUP_FIELDS, RecordIndex, emptyRecord, type LookupField, type TokenRecord, TokenStoreError } from '../src/store-kit.js';
import { prng } from './helpers/prng.js';

// RecordIndex keeps one bare id per indexed value and makes a Set only while several records share it.
// These tests drive the paths in and out of that Set (collision, removal, re-adding) and check the
// results and their order against a plain Set-per-value index, the structure it replaced.

const token = (id: string, fields: Partial<TokenRecord> = {}): TokenRecord => ({ ...emptyRecord(), id, ...fields });
const ids = (records: readonly TokenRecord[]) => records.map((r) => r.id);

describe('RecordIndex: values shared by several records', () => {
  it('finds every record sharing a value, in the order they were indexed under it', () => {
    const index = new RecordIndex('TestStore', [token('a', { refreshToken: 'r' }), token('b', { refreshToken: 'r' })]);
    index.insert(token('c', { refreshToken: 'r', accessToken: 'x' }));
    expect(ids(index.findBy('refreshToken', 'r'))).toEqual(['a', 'b', 'c']);
    expect(ids(index.findBy('accessToken', 'x'))).toEqual(['c']);
    expect(index.findBy('refreshToken', 'other')).toEqual([]);
  });

  it('indexes the same value under each field separately', () => {
    const index = new RecordIndex('TestStore', [token('a', { grantToken: 'v', refreshToken: 'v', accessToken: 'v' }), token('b', { accessToken: 'v' })]);
    expect(ids(index.findBy('grantToken', 'v'))).toEqual(['a']);
    expect(ids(index.findBy('refreshToken', 'v'))).toEqual(['a']);
    expect(ids(index.findBy('accessToken', 'v'))).toEqual(['a', 'b']);
  });

  it('returns copies, for a single holder as for several', () => {
    const index = new RecordIndex('TestStore', [token('a', { accessToken: 'solo', refreshToken: 'r' }), token('b', { refreshToken: 'r' })]);
    const [solo] = index.findBy('accessToken', 'solo');
    (solo as TokenRecord).scope = 'changed';
    for (const found of index.findBy('refreshToken', 'r')) found.scope = 'changed';
    expect(index.list().map((r) => r.scope)).toEqual([null, null]);
  });

  it('removal: a deleted record is no longer found; the value disappears with its last holder', () => {
    const index = new RecordIndex('TestStore', ['a', 'b', 'c'].map((id) => token(id, { accessToken: 'x' })));
    expect(index.delete('b')).toBe(true);
    expect(ids(index.findBy('accessToken', 'x'))).toEqual(['a', 'c']);
    expect(index.delete('a')).toBe(true); // down to one holder
    expect(ids(index.findBy('accessToken', 'x'))).toEqual(['c']);
    expect(index.delete('c')).toBe(true);
    expect(index.findBy('accessToken', 'x')).toEqual([]);
    expect(index.delete('c')).toBe(false);
    expect(index.size).toBe(0);
  });

  it('re-adding: a record indexed again comes after the holders that stayed', () => {
    const index = new RecordIndex('TestStore', [token('a', { refreshToken: 'r' }), token('b', { refreshToken: 'r' })]);
    index.delete('a'); // back to a single holder, b
    index.insert(token('a', { refreshToken: 'r' })); // shared again
    expect(ids(index.findBy('refreshToken', 'r'))).toEqual(['b', 'a']);
    index.delete('b');
    index.delete('a');
    index.insert(token('a', { refreshToken: 'r' })); // from nothing
    expect(ids(index.findBy('refreshToken', 'r'))).toEqual(['a']);
    expect(ids(index.list())).toEqual(['a']);
  });

  it('replace moves a record between values, and is re-indexed last under a value it keeps', () => {
    const index = new RecordIndex('TestStore', [token('a', { accessToken: 'x', refreshToken: 'r' }), token('b', { accessToken: 'x', refreshToken: 'r' })]);
    expect(index.replace('a', token('a', { accessToken: 'y', refreshToken: 'r' }), null)).toBe(true);
    expect(ids(index.findBy('accessToken', 'x'))).toEqual(['b']);
    expect(ids(index.findBy('accessToken', 'y'))).toEqual(['a']);
    expect(ids(index.findBy('refreshToken', 'r'))).toEqual(['b', 'a']);
    expect(index.replace('b', token('b', { accessToken: 'y', refreshToken: 'r' }), null)).toBe(true);
    expect(index.findBy('accessToken', 'x')).toEqual([]);
    expect(ids(index.findBy('accessToken', 'y'))).toEqual(['a', 'b']);
    expect(ids(index.findBy('refreshToken', 'r'))).toEqual(['a', 'b']);
    // A replace that keeps every value keeps the record findable exactly once.
    expect(index.replace('a', token('a', { accessToken: 'y', refreshToken: 'r', scope: 's' }), null)).toBe(true);
    expect(index.findBy('accessToken', 'y').map((r) => [r.id, r.scope])).toEqual([
      ['b', null],
      ['a', 's'],
    ]);
    expect(ids(index.list())).toEqual(['a', 'b']);
  });

  it('clear drops shared and single values alike, and the index is usable again', () => {
    const index = new RecordIndex('TestStore', [token('a', { userName: 'u', refreshToken: 'r' }), token('b', { refreshToken: 'r' })]);
    expect(index.clear()).toBe(true);
    expect(index.clear()).toBe(false);
    for (const field of LOOKUP_FIELDS) expect(index.findBy(field, field === 'userName' ? 'u' : 'r')).toEqual([]);
    index.insert(token('b', { userName: 'u', refreshToken: 'r' }));
    expect(ids(index.findBy('userName', 'u'))).toEqual(['b']);
    expect(ids(index.findBy('refreshToken', 'r'))).toEqual(['b']);
  });
});

describe('RecordIndex: unique user names', () => {
  it('lets a record keep its own user name and refuses it to any other record', () => {
    const index = new RecordIndex('TestStore', [token('a', { userName: 'u' }), token('b')]);
    expect(index.replace('a', token('a', { userName: 'u', accessToken: 'new' }), 'u')).toBe(true);
    expect(() => index.replace('b', token('b', { userName: 'u' }), null)).toThrow(expect.objectContaining({ code: 'STORE_CONFLICT' }));
    expect(() => index.insert(token('c', { userName: 'u' }))).toThrow('TestStore: user name already bound to another record');
    // A refused write changes nothing.
    expect(ids(index.findBy('userName', 'u'))).toEqual(['a']);
    expect(index.findBy('id', 'c')).toEqual([]);
    expect(index.findBy('id', 'b')[0]?.userName).toBeNull();
  });

  it('frees a user name when its record lets go of it', () => {
    const index = new RecordIndex('TestStore', [token('a', { userName: 'u' })]);
    index.replace('a', token('a', { userName: 'v' }), 'u');
    index.insert(token('b', { userName: 'u' }));
    index.delete('a');
    index.insert(token('c', { userName: 'v' }));
    expect(ids(index.findBy('userName', 'u'))).toEqual(['b']);
    expect(ids(index.findBy('userName', 'v'))).toEqual(['c']);
  });
});

/**
 * The structure RecordIndex replaced, as the reference: a Set of ids per value for each field, the
 * records in a Map (insertion order, a replaced record keeps its place).
 */
class SetPerValueIndex {
  readonly records = new Map<string, TokenRecord>();
  readonly indexes = new Map<LookupField, Map<string, Set<string>>>(LOOKUP_FIELDS.map((f) => [f, new Map()]));

  findBy(field: LookupField, value: string): TokenRecord[] {
    const holders = field === 'id' ? [value] : [...(this.indexes.get(field)?.get(value) ?? [])];
    return holders.flatMap((id) => {
      const record = this.records.get(id);
      return record ? [{ ...record }] : [];
    });
  }

  insert(record: TokenRecord): void {
    const id = record.id as string;
    if (this.records.has(id)) throw new TokenStoreError('STORE_CONFLICT', 'id');
    this.#assertUserFree(record, id);
    this.#put(id, record);
  }

  replace(id: string, record: TokenRecord, expectedUserName: string | null): boolean {
    const old = this.records.get(id);
    if (!old || old.userName !== expectedUserName) return false;
    this.#assertUserFree(record, id);
    this.#unindex(id, old);
    this.#put(id, record);
    return true;
  }

  moveToEnd(id: string): void {
    const record = this.records.get(id);
    if (!record) return;
    this.records.delete(id);
    this.records.set(id, record);
  }

  delete(id: string): boolean {
    const old = this.records.get(id);
    if (!old) return false;
    this.#unindex(id, old);
    this.records.delete(id);
    return true;
  }

  clear(): boolean {
    const had = this.records.size > 0;
    this.records.clear();
    for (const index of this.indexes.values()) index.clear();
    return had;
  }

  #put(id: string, record: TokenRecord): void {
    const stored = { ...record, id };
    this.records.set(id, stored);
    for (const field of LOOKUP_FIELDS) {
      const value = stored[field];
      if (field === 'id' || value === null) continue;
      const index = this.indexes.get(field) as Map<string, Set<string>>;
      index.set(value, (index.get(value) ?? new Set()).add(id));
    }
  }

  #unindex(id: string, record: TokenRecord): void {
    for (const field of LOOKUP_FIELDS) {
      const value = record[field];
      if (field === 'id' || value === null) continue;
      const index = this.indexes.get(field) as Map<string, Set<string>>;
      const holders = index.get(value);
      holders?.delete(id);
      if (holders?.size === 0) index.delete(value);
    }
  }

  #assertUserFree(record: TokenRecord, id: string): void {
    if (record.userName === null) return;
    const holders = this.indexes.get('userName')?.get(record.userName);
    if (holders && [...holders].some((other) => other !== id)) throw new TokenStoreError('STORE_CONFLICT', 'user');
  }
}

describe('RecordIndex against a Set-per-value index', () => {
  it.each([1, 2, 3, 4, 5, 6, 7, 8])('gives the same results, order included, over random operations (seed %i)', (seed) => {
    const next = prng(seed);
    const pick = <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)] as T;
    // Few ids and few values, so values are shared by 0, 1, 2 or more records all the time.
    const idPool = ['a', 'b', 'c', 'd', 'e', 'f'];
    const valuePool = ['v1', 'v2', 'v3'];
    const maybe = (values: readonly string[]) => (next() < 0.25 ? null : pick(values));
    const randomRecord = (id: string): TokenRecord =>
      token(id, { userName: maybe(['u1', 'u2', 'u3', 'u4']), grantToken: maybe(valuePool), refreshToken: maybe(valuePool), accessToken: maybe(valuePool), scope: String(next()) });
    const actual = new RecordIndex('TestStore');
    const expected = new SetPerValueIndex();
    const outcome = (run: (index: RecordIndex | SetPerValueIndex) => unknown, index: RecordIndex | SetPerValueIndex) => {
      try {
        return { value: run(index) };
      } catch (error) {
        return { code: (error as TokenStoreError).code };
      }
    };
    for (let step = 0; step < 400; step++) {
      const id = pick(idPool);
      const record = randomRecord(id);
      const expectedUserName = maybe(['u1', 'u2']);
      const clears = next() < 0.1;
      const operation = pick([
        (index: RecordIndex | SetPerValueIndex) => index.insert(record),
        (index: RecordIndex | SetPerValueIndex) => index.insert(record),
        (index: RecordIndex | SetPerValueIndex) => index.replace(id, record, expectedUserName),
        (index: RecordIndex | SetPerValueIndex) => index.replace(id, record, null),
        (index: RecordIndex | SetPerValueIndex) => index.delete(id),
        (index: RecordIndex | SetPerValueIndex) => index.moveToEnd(id),
        (index: RecordIndex | SetPerValueIndex) => (clears ? index.clear() : undefined),
      ]);
      expect(outcome(operation, actual), `step ${step}`).toEqual(outcome(operation, expected));
      expect(actual.list(), `step ${step}`).toEqual([...expected.records.values()]);
      expect(actual.size).toBe(expected.records.size);
      for (const field of LOOKUP_FIELDS) {
        const values = field === 'id' ? idPool : field === 'userName' ? ['u1', 'u2', 'u3', 'u4'] : valuePool;
        for (const value of values) expect(actual.findBy(field, value), `step ${step}: ${field} ${value}`).toEqual(expected.findBy(field, value));
      }
    }
  });
});
