import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { assertDistFresh, sleep } from '@tokenstore/store-testkit';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { FileStore } from '../src/index.js';
import { startContender, type Contender } from './contenders.js';
import { FILE_STORE, tempDir } from './helpers.js';

// A lock holder that stops (SIGSTOP here; a GC pause or a slow disk alike) for longer than
// staleLockMs is still alive: nobody takes its lock over, others wait for it, and when it resumes
// its write cannot overwrite anything a successor wrote. Every save acknowledged to either process
// is in the file afterwards.

const STALE_MS = 200;
let dir: string;
let cleanup: () => void;
const running: Contender[] = [];
beforeAll(() => assertDistFresh(FILE_STORE.packageDir, FILE_STORE.packageName));
beforeEach(() => ({ dir, cleanup } = tempDir()));
afterEach(async () => {
  for (const c of running.splice(0)) {
    c.signal('SIGCONT');
    c.signal('SIGKILL');
    await c.done.catch(() => undefined);
  }
  cleanup();
});

function lockPid(file: string): number | undefined {
  try {
    return (JSON.parse(readFileSync(`${file}.lock`, 'utf8')) as { pid?: number }).pid;
  } catch {
    return undefined; // no lock right now
  }
}

/** Stops `holder` at a moment it holds the lock (checked again after the stop). */
async function stopWhileHolding(holder: Contender, file: string): Promise<void> {
  for (let attempt = 0; attempt < 10_000; attempt++) {
    if (lockPid(file) !== holder.pid) {
      await sleep(0);
      continue;
    }
    holder.signal('SIGSTOP');
    await sleep(5); // the signal is delivered asynchronously
    if (lockPid(file) === holder.pid) return;
    holder.signal('SIGCONT');
  }
  throw new Error('never caught the holder holding the lock');
}

describe('a lock holder stopped past staleLockMs', () => {
  it('is waited for, not taken over; every save acknowledged to either process survives its resumption', async () => {
    const file = join(dir, 'shared.json');
    const options = { staleLockMs: STALE_MS, lockTimeoutMs: 20_000 };
    const holder = startContender({ file, tag: 'stopped', saves: 400, options });
    running.push(holder);
    await holder.acknowledgedAtLeast(5);
    await stopWhileHolding(holder, file);

    const other = startContender({ file, tag: 'other', saves: 20, options });
    running.push(other);
    await sleep(STALE_MS * 4);
    holder.signal('SIGCONT');
    const [otherSummary, holderSummary] = await Promise.all([other.done, holder.done]);

    expect(otherSummary.errors).toEqual([]);
    expect(holderSummary.errors).toEqual([]);
    const store = new FileStore({ path: file });
    const stored = new Set((await store.getTokens()).map((t) => t.userSignature?.name));
    await store.close();
    const acknowledged = [...other.acknowledged, ...holder.acknowledged];
    expect(acknowledged).toHaveLength(420);
    expect(acknowledged.filter((name) => !stored.has(name))).toEqual([]);
  }, 60_000);

  it('makes a waiting writer fail with STORE_UNAVAILABLE after lockTimeoutMs; nothing is written', async () => {
    const file = join(dir, 'shared.json');
    const holder = startContender({ file, tag: 'stopped', saves: 400, options: { staleLockMs: STALE_MS } });
    running.push(holder);
    await holder.acknowledgedAtLeast(5);
    await stopWhileHolding(holder, file);
    const before = readFileSync(file);
    const other = startContender({ file, tag: 'other', saves: 1, options: { staleLockMs: STALE_MS, lockTimeoutMs: STALE_MS * 3 } });
    running.push(other);
    const summary = await other.done;
    expect(summary.errors).toEqual(['STORE_UNAVAILABLE']);
    expect(readFileSync(file).equals(before)).toBe(true);
    expect(lockPid(file)).toBe(holder.pid);
  }, 60_000);
});
