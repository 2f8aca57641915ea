import { describe, expect, it } from 'vitest';
import { RecordIndex, RetriedOnce, driverStoreError, emptyRecord, recordFromColumns, type DriverErrorRules, TokenStoreError } from '../src/store-kit.js';

const record = (id: string, userName: string | null = null) => ({ ...emptyRecord(), id, userName });

describe('RecordIndex', () => {
  it('keeps a replaced record in its place, unless moved to the end', () => {
    const index = new RecordIndex('TestStore', [record('a', 'u1'), record('b', 'u2')]);
    expect(index.replace('a', record('a', 'u3'), 'u1')).toBe(true);
    expect(index.list().map((r) => r.id)).toEqual(['a', 'b']);
    index.moveToEnd('a');
    expect(index.list().map((r) => r.id)).toEqual(['b', 'a']);
    expect(index.findBy('userName', 'u1')).toEqual([]);
    expect(index.findBy('userName', 'u3').map((r) => r.id)).toEqual(['a']);
  });

  it('enforces unique ids and user names, naming the store', () => {
    const index = new RecordIndex('TestStore', [record('a', 'u1')]);
    expect(() => index.insert(record('a'))).toThrow('TestStore: id already exists');
    expect(() => index.insert(record('b', 'u1'))).toThrow(expect.objectContaining({ code: 'STORE_CONFLICT' }));
    expect(index.replace('a', record('a', 'u1'), 'someone else')).toBe(false);
  });
});

describe('recordFromColumns', () => {
  it('reads a row keyed by column name, and reports an unreadable one as STORE_CORRUPT without its value', () => {
    expect(recordFromColumns({ id: 'x', user_name: 'u', expiry_time: '12' }, 'TestStore')).toMatchObject({ id: 'x', userName: 'u', expiresAt: 12 });
    expect(() => recordFromColumns({ id: 'x', access_token: 42 }, 'TestStore')).toThrow(expect.objectContaining({ code: 'STORE_CORRUPT', message: 'TestStore: a stored row cannot be read: token field "accessToken" must be a string' }));
  });
});

describe('driverStoreError', () => {
  const rules: DriverErrorRules = {
    store: 'TestStore',
    sanitize: (error) => new Error(`sanitised ${(error as { code?: string }).code}`),
    isUnavailable: (error) => (error as { code?: string }).code === 'DOWN',
    isConflict: (error) => (error as { code?: string }).code === 'DUP',
    closedPool: { message: 'pool ended', description: 'the pool has been ended' },
  };

  it('maps to a stable code with the sanitised cause, and passes TokenStoreErrors through', () => {
    const own = new TokenStoreError('INVALID_ARGUMENT', 'x');
    expect(driverStoreError(rules, own, 'save')).toBe(own);
    expect(driverStoreError(rules, Object.assign(new Error('secret'), { code: 'DOWN' }), 'save')).toMatchObject({ code: 'STORE_UNAVAILABLE', message: 'TestStore: save failed: the database server is unavailable (sanitised DOWN)' });
    expect(driverStoreError(rules, new Error('pool ended'), 'save')).toMatchObject({ code: 'STORE_CLOSED', message: 'TestStore: save failed: the pool has been ended' });
    expect(driverStoreError(rules, Object.assign(new Error('secret'), { code: 'DUP' }), 'save')).toMatchObject({ code: 'STORE_CONFLICT' });
    const failure = driverStoreError(rules, Object.assign(new Error('secret'), { code: 'E' }), 'save');
    expect(failure).toMatchObject({ code: 'STORE_FAILURE', message: 'TestStore: save failed: sanitised E' });
    expect((failure.cause as Error).message).toBe('sanitised E');
  });
});

describe('RetriedOnce', () => {
  it('shares one attempt, remembers a success and forgets a failure', async () => {
    let calls = 0;
    let fail = true;
    const once = new RetriedOnce(async () => {
      calls++;
      if (fail) throw new Error('down');
    });
    await expect(Promise.all([once.run(), once.run()])).rejects.toThrow('down');
    expect(calls).toBe(1);
    fail = false;
    await Promise.all([once.run(), once.run()]);
    await once.run();
    expect(calls).toBe(2);
    const marked = new RetriedOnce(async () => void calls++);
    marked.markDone();
    await marked.run();
    expect(calls).toBe(2);
  });
});
