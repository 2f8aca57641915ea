import { leaseContentionTests, uniqueName } from '@tokenstore/store-testkit';
import { describe, expect, it } from 'vitest';
import { adminPool, storeTracker } from './helpers.js';

const admin = adminPool();
const tracker = storeTracker(admin).cleanUpAfterTests(() => admin.end());
const twoProcesses = () => tracker.openPair({ table: uniqueName('lock') });

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
