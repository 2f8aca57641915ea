import { join } from 'node:path';
import { assertDistFresh } from '@tokenstore/store-testkit';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { FileStore } from '../src/index.js';
import { startContender } from './contenders.js';
import { FILE_STORE, tempDir } from './helpers.js';

// Writers on one file from worker threads, from processes, and from processes that each run worker
// threads. Threads of one process share its pid: the lock must still tell them apart, or one thread
// takes another's lock for a leaked one and both write (saves lost, lease holds overlapping).
// Counted: every save acknowledged to a contender is in the file afterwards, and no two contenders
// ever held lease "k" at the same time (each holder creates a marker file with O_EXCL).

let dir: string;
let cleanup: () => void;
beforeAll(() => assertDistFresh(FILE_STORE.packageDir, FILE_STORE.packageName));
beforeEach(() => ({ dir, cleanup } = tempDir()));
afterEach(() => cleanup());

async function contend(layout: { processes: number; threads: number; saves: number }) {
  const file = join(dir, 'shared.json');
  const holding = join(dir, 'lease-holder');
  const contenders = Array.from({ length: layout.processes }, (_, p) =>
    startContender({ file, tag: `p${p}`, saves: layout.saves, threads: layout.threads, leaseEvery: 5, holding }),
  );
  const summaries = await Promise.all(contenders.map((c) => c.done));
  const acknowledged = contenders.flatMap((c) => c.acknowledged);
  const store = new FileStore({ path: file });
  const stored = new Set((await store.getTokens()).map((t) => t.userSignature?.name));
  await store.close();
  return {
    expected: layout.processes * Math.max(1, layout.threads) * layout.saves,
    acknowledged: acknowledged.length,
    missing: acknowledged.filter((name) => !stored.has(name)),
    errors: summaries.flatMap((s) => s.errors),
    holds: summaries.reduce((n, s) => n + s.holds, 0),
    overlaps: summaries.reduce((n, s) => n + s.overlaps, 0),
  };
}

describe('contenders on one file', () => {
  for (const [name, layout] of [
    ['4 worker threads of one process', { processes: 1, threads: 4, saves: 50 }],
    ['4 processes', { processes: 4, threads: 0, saves: 50 }],
    ['2 processes running 3 worker threads each', { processes: 2, threads: 3, saves: 35 }],
  ] as const) {
    it(`${name}: every acknowledged save is in the file, lease holds never overlap`, async () => {
      const result = await contend(layout);
      expect(result.errors).toEqual([]);
      expect(result.acknowledged).toBe(result.expected);
      expect(result.missing).toEqual([]);
      expect(result.holds).toBeGreaterThan(0);
      expect(result.overlaps).toBe(0);
    }, 120_000);
  }
});
