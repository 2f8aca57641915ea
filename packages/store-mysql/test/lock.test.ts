import { leaseContentionTests, sleep, uniqueName } from '@tokenstore/store-testkit';
import { describe, expect, it } from 'vitest';
import { adminPool, storeTracker } from './helpers.js';

const admin = adminPool();
const tracker = storeTracker(admin).cleanUpAfterTests(() => admin.end());
const twoProcesses = () => tracker.openPair({ table: uniqueName('lock') });

describe('lock (lease row)', () => {
  leaseContentionTests(twoProcesses, {
    byteExactTitle: ', whatever the collation',
    async byteExactChecks(a, b, longKey) {
      // PAD SPACE and accent-insensitive collations would call these equal.
      expect(await b.lock.acquire(longKey, 'Owner ', 60_000)).toBe(false);
      expect(await b.lock.acquire('🔑 cle', 'o', 60_000)).toBe(true);
    },
  });

  it('takes over an expired lease for exactly one of many simultaneous contenders', async () => {
    const [a, b] = twoProcesses();
    expect(await a.lock.acquire('k', 'gone', 200)).toBe(true);
    await sleep(350);
    const results = await Promise.all(Array.from({ length: 20 }, (_, i) => (i % 2 ? a : b).lock.acquire('k', `owner-${i}`, 60_000)));
    expect(results.filter(Boolean)).toHaveLength(1);
  });
});
