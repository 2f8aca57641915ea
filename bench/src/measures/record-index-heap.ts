/**
 * RecordIndex's heap per record: an index whose values were shared by two records and no longer are
 * must go back to bare ids (no Set left behind per value), costing close to an index that never shared.
 * Moved here from core's unit tests (a GC heap measurement is a benchmark, not a unit test).
 * Run: `npx tsx src/measures/record-index-heap.ts` in bench/ (exits 1 when the ratio reaches 1.6).
 */
import { getHeapStatistics, setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { RecordIndex, emptyRecord, type TokenRecord } from '@tokenstore/core/store-kit';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;
const heapUsed = () => {
  gc();
  gc();
  return getHeapStatistics().used_heap_size;
};

const n = 20_000;
const token = (id: string, fields: Partial<TokenRecord>): TokenRecord => ({ ...emptyRecord(), id, ...fields });
// Records n..2n-1 share their three token values with records 0..n-1 (user names stay unique).
const records = Array.from({ length: 2 * n }, (_, i) => token(`id-${i}`, { userName: `user-${i}`, grantToken: `g-${i % n}`, refreshToken: `r-${i % n}`, accessToken: `a-${i % n}` }));

function bytesPerRecord(build: () => RecordIndex): number {
  const before = heapUsed();
  const index = build();
  const bytes = heapUsed() - before;
  if (index.size !== n) throw new Error(`expected ${n} records, got ${index.size}`);
  return bytes / n;
}
const neverShared = () => new RecordIndex('BenchStore', records.slice(0, n));
const sharedThenNot = () => {
  const index = new RecordIndex('BenchStore', records);
  for (let i = n; i < 2 * n; i++) index.delete(`id-${i}`);
  return index;
};

// Twice each, interleaved, keeping the lower figure. With a Set left behind per value the second
// costs ~2.5x the first (~150 bytes per Set, 3 per record here); without, ~1.2x (the records map and
// the indexes keep the capacity they grew to).
const unique = Math.min(bytesPerRecord(neverShared), bytesPerRecord(neverShared));
const downgraded = Math.min(bytesPerRecord(sharedThenNot), bytesPerRecord(sharedThenNot));
const ratio = downgraded / unique;
console.log(JSON.stringify({ measure: 'record-index-heap', records: n, uniqueBytesPerRecord: Math.round(unique), downgradedBytesPerRecord: Math.round(downgraded), ratio: Number(ratio.toFixed(2)) }));
if (ratio >= 1.6) process.exitCode = 1;
