import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, unlinkSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { RecordTokenStore, OAuthToken, TokenStoreError } from '@tokenstore/core/store-kit';
import { rejectsWith } from '@tokenstore/store-testkit';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FileBackend } from '../src/file-backend.js';
import { FileLease, type LeaseLocked } from '../src/file-lease.js';
import { LockFile } from '../src/lock-file.js';
import { FileStore } from '../src/index.js';
import { saveInChildSync } from './contenders.js';
import { tempDir } from './helpers.js';

// The lock file's ownership rules in one process: release and break never delete another's lock,
// and a writer whose lock was taken over (or whose file changed under it) writes nothing.

let dir: string;
let cleanup: () => void;
beforeEach(() => ({ dir, cleanup } = tempDir()));
afterEach(() => cleanup());

const lockAt = (name = 'tokens.json.lock') => new LockFile(join(dir, name), { timeoutMs: 5_000, staleMs: 30_000 });
const deadPid = () => Number(spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' }).stdout);

describe('LockFile', () => {
  it('a release after a takeover leaves the successor\'s lock in place; the old holder fails assertHeld', async () => {
    const first = await lockAt().acquire();
    // What a takeover leaves: the first holder's file replaced by a successor's.
    unlinkSync(join(dir, 'tokens.json.lock'));
    const second = await lockAt().acquire();
    const successor = readFileSync(join(dir, 'tokens.json.lock'), 'utf8');
    await rejectsWith(first.assertHeld(), 'STORE_UNAVAILABLE');
    await first.release();
    expect(readFileSync(join(dir, 'tokens.json.lock'), 'utf8')).toBe(successor);
    await second.assertHeld();
    await second.release();
    expect(existsSync(join(dir, 'tokens.json.lock'))).toBe(false);
  });

  it('two breakers racing over a dead holder\'s lock and the new holder: one holder at a time, every round', async () => {
    const dead = deadPid();
    let inside = 0;
    let most = 0;
    for (let round = 0; round < 30; round++) {
      writeFileSync(join(dir, 'tokens.json.lock'), JSON.stringify({ pid: dead, host: hostname(), createdAt: Date.now(), nonce: `dead-${round}` }));
      await Promise.all(
        Array.from({ length: 3 }, async () => {
          const held = await lockAt().acquire();
          inside++;
          most = Math.max(most, inside);
          await new Promise((r) => setTimeout(r, 1));
          await held.assertHeld();
          inside--;
          await held.release();
        }),
      );
      expect(existsSync(join(dir, 'tokens.json.lock'))).toBe(false);
    }
    expect(most).toBe(1);
  }, 30_000);
});

describe('the write fence', () => {
  function fencedStore(beforeCommit: () => Promise<void>) {
    return new RecordTokenStore(new FileBackend({ path: join(dir, 'tokens.json'), lockTimeoutMs: 5_000, staleLockMs: 30_000, now: Date.now, beforeCommit }), 'FileStore');
  }

  it('a writer whose lock was taken over writes nothing; the successor\'s save survives', async () => {
    const path = join(dir, 'tokens.json');
    let successorSaved = false;
    const stalled = fencedStore(async () => {
      if (successorSaved) return;
      // While this writer is between its read and its rename, it is judged stale and a successor
      // takes the lock over and saves.
      // (Another process: this one's in-process queue would make it wait for the stalled writer.)
      unlinkSync(`${path}.lock`);
      expect(saveInChildSync(path, 'successor').acknowledged).toBe(1);
      successorSaved = true;
    });
    const error = await rejectsWith(stalled.saveToken(new OAuthToken({ userSignature: { name: 'stalled' }, accessToken: 'a' })), 'STORE_UNAVAILABLE');
    expect(error.message).toContain('nothing was written');
    const names = (await new FileStore({ path }).getTokens()).map((t) => t.userSignature?.name);
    expect(names).toEqual(['successor-0']);
  });

  it('a file replaced under a held lock (a writer that ignored the lock) is not overwritten', async () => {
    const path = join(dir, 'tokens.json');
    await new FileStore({ path }).saveToken(new OAuthToken({ userSignature: { name: 'before' }, accessToken: 'x' }));
    const edited = `${readFileSync(path, 'utf8').replace('"x"', '"y"')}`;
    const writer = fencedStore(async () => writeFileSync(path, edited));
    await rejectsWith(writer.saveToken(new OAuthToken({ userSignature: { name: 'late' }, accessToken: 'a' })), 'STORE_UNAVAILABLE');
    expect(readFileSync(path, 'utf8')).toBe(edited);
  });

  it('a lease acquire whose lock was taken over grants nothing', async () => {
    const leaseDir = join(dir, 'tokens.json.leases');
    const lostLock: LeaseLocked = (name, body) => {
      mkdirSync(leaseDir, { recursive: true });
      return body({ file: join(leaseDir, name), assertHeld: () => Promise.reject(new TokenStoreError('STORE_UNAVAILABLE', 'lost the lock')) });
    };
    const lease = new FileLease(lostLock, Date.now);
    await rejectsWith(lease.acquire('k', 'late', 60_000), 'STORE_UNAVAILABLE');
    expect(existsSync(leaseDir) ? readdirSync(leaseDir) : []).toEqual([]);
  });
});
