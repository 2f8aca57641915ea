/**
 * Timing on a noisy 2-core machine: every figure is measured interleaved with its baseline in the
 * same run (A B, B A, A B, ... so neither side always runs first), repeated, and reported as the
 * median with its interquartile range over the repetitions (min and max are kept in the JSON). Ratios are computed per repetition (each
 * subject against the baseline batch next to it), then summarised the same way.
 */
export interface Summary {
  median: number;
  /** Interquartile range: the spread the table and the chart show. */
  p25: number;
  p75: number;
  min: number;
  max: number;
  /** Every sample, in run order. */
  samples: number[];
}

export function summarize(samples: readonly number[]): Summary {
  if (samples.length === 0) return { median: NaN, p25: NaN, p75: NaN, min: NaN, max: NaN, samples: [] };
  const sorted = [...samples].sort((a, b) => a - b);
  // Linear interpolation between order statistics (the usual "type 7" quantile).
  const q = (p: number) => {
    const at = p * (sorted.length - 1);
    const lo = Math.floor(at);
    const hi = Math.min(sorted.length - 1, lo + 1);
    return (sorted[lo] as number) + ((sorted[hi] as number) - (sorted[lo] as number)) * (at - lo);
  };
  return { median: q(0.5), p25: q(0.25), p75: q(0.75), min: sorted[0] as number, max: sorted[sorted.length - 1] as number, samples: [...samples] };
}

/** One timed batch: runs the operation `n` times (sequentially, awaited) and resolves. */
export type Batch = (n: number) => Promise<void>;

/** Nanoseconds since an arbitrary origin. */
export const nowNs = (): bigint => process.hrtime.bigint();

async function timeBatch(batch: Batch, n: number): Promise<number> {
  const start = nowNs();
  await batch(n);
  return Number(nowNs() - start) / n; // ns per operation
}

/**
 * The operation count for which one batch takes about `targetMs`. One untimed call first (a file
 * parsed on first read, a statement prepared), then doubling until a batch takes a quarter of the
 * target, then one confirming batch at the estimated size (so a one-off slow batch cannot set it).
 */
export async function calibrate(batch: Batch, targetMs: number, maxN = 50_000_000): Promise<number> {
  await batch(1);
  const timed = async (n: number) => {
    const start = nowNs();
    await batch(n);
    return Number(nowNs() - start) / 1e6;
  };
  const estimate = (n: number, ms: number) => Math.max(1, Math.min(maxN, Math.round((n * targetMs) / Math.max(ms, 0.001))));
  let n = 1;
  let ms = await timed(n);
  while (ms < targetMs / 4 && n < maxN) {
    n = Math.min(maxN, n * 2);
    ms = await timed(n);
  }
  const first = estimate(n, ms);
  return estimate(first, await timed(first));
}

export interface Interleaved {
  /** ns per operation, per subject name. */
  nsPerOp: Record<string, Summary>;
  /** Operations per batch, per subject name. */
  batchSize: Record<string, number>;
}

/**
 * Times every batch `reps` times, rotating the order each repetition. Each subject is calibrated on
 * its own (a slow baseline gets fewer operations per batch than a fast subject).
 */
export async function interleave(batches: Record<string, Batch>, reps: number, targetMs: number, options: { maxN?: Record<string, number> } = {}): Promise<Interleaved> {
  const names = Object.keys(batches);
  const batchSize: Record<string, number> = {};
  for (const name of names) batchSize[name] = await calibrate(batches[name] as Batch, targetMs, options.maxN?.[name]);
  // One untimed round at the final batch size: JIT and caches settle before the first sample.
  for (const name of names) await timeBatch(batches[name] as Batch, batchSize[name] as number);
  const samples: Record<string, number[]> = Object.fromEntries(names.map((n) => [n, []]));
  for (let rep = 0; rep < reps; rep++) {
    const order = rotate(names, rep);
    for (const name of order) (samples[name] as number[]).push(await timeBatch(batches[name] as Batch, batchSize[name] as number));
  }
  return { nsPerOp: Object.fromEntries(names.map((n) => [n, summarize(samples[n] as number[])])), batchSize };
}

/** Per-repetition ratio of two sample series measured side by side (a[i] / b[i]). */
export function ratioOf(a: Summary, b: Summary): Summary {
  return summarize(a.samples.map((x, i) => x / (b.samples[i] as number)));
}

function rotate<T>(items: readonly T[], by: number): T[] {
  const k = by % items.length;
  const rotated = [...items.slice(k), ...items.slice(0, k)];
  return by % 2 ? rotated.reverse() : rotated;
}

export function fmtNum(x: number, digits = 3): string {
  if (!Number.isFinite(x)) return String(x);
  if (Math.abs(x) >= 1e6) return `${(x / 1e6).toPrecision(digits)}M`;
  if (Math.abs(x) >= 1e3) return `${(x / 1e3).toPrecision(digits)}k`;
  return x.toPrecision(digits);
}

/** "12.3x (10.1-14.0)": the median and the interquartile range. */
export function fmtRatio(s: Summary, digits = 3): string {
  const f = (x: number) => (Math.abs(x) >= 10 ** digits ? x.toFixed(0) : x.toPrecision(digits));
  return `${f(s.median)}x (${f(s.p25)}-${f(s.p75)})`;
}

/** A latency in ns as µs or ms. */
export function fmtLatency(ns: number): string {
  if (!Number.isFinite(ns)) return '-';
  if (ns < 1000) return `${ns.toFixed(0)} ns`;
  if (ns < 1e6) return `${(ns / 1e3).toPrecision(3)} µs`;
  if (ns < 1e9) return `${(ns / 1e6).toPrecision(3)} ms`;
  return `${(ns / 1e9).toPrecision(3)} s`;
}
