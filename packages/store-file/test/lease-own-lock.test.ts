import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { LockFile } from '../src/lock-file.js';
import { FileStore } from '../src/index.js';
import { tempDir } from './helpers.js';

// A refresh lease is about one key: taking or giving it back must not queue behind the token file's
// lock (held by every save of every process), nor behind another key's lease. With the lease on,
// a refresh takes three locked steps (acquire, save, release); sharing one lock made the lease cost
// a third of FileStore's refresh throughput in the fleet bench.

let dir: string;
let cleanup: () => void;
beforeEach(() => ({ dir, cleanup } = tempDir()));
afterEach(() => cleanup());

describe('FileStore leases', () => {
  it('are taken and given back while another writer holds the token file\'s lock', async () => {
    const path = join(dir, 'tokens.json');
    const store = new FileStore({ path, lockTimeoutMs: 300 });
    // What a save in progress (here or in another process) holds.
    const tokenFileLock = await new LockFile(`${path}.lock`, { timeoutMs: 1_000, staleMs: 30_000 }).acquire();
    const lock = store.lock;
    if (lock === undefined) throw new Error('FileStore has a lock');
    try {
      expect(await lock.acquire('k', 'o1', 60_000)).toBe(true);
      expect(await lock.acquire('k', 'o2', 60_000)).toBe(false);
      await lock.release('k', 'o1');
      expect(await lock.acquire('k', 'o2', 60_000)).toBe(true);
    } finally {
      await tokenFileLock.release();
      await store.close();
    }
  });
});
