import { leaseContentionTests, uniqueName } from '@tokenstore/store-testkit';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { adminPool, storeTracker } from './helpers.js';

const admin = adminPool();
const tracker = storeTracker(admin);
afterEach(() => tracker.cleanup());
afterAll(() => admin.end());

/** Two stores on one table, each with its own pool: as far apart as two processes. */
function twoProcesses() {
  const table = uniqueName('lock');
  return [tracker.open({ table }), tracker.open({ table })] as const;
}

describe('lock (lease row)', () => {
  leaseContentionTests(twoProcesses);

  it('rejects bad arguments with INVALID_ARGUMENT', async () => {
    const [a] = twoProcesses();
    const calls: [string, string, number][] = [['', 'o', 1000], ['k', '', 1000], ['k', 'o', 0], ['k', 'o', Number.NaN], ['k', 'o\0', 1000]];
    for (const [key, owner, ttl] of calls) {
      await expect(async () => a.lock.acquire(key, owner, ttl)).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
    }
  });
});
