import type { LatencyStats } from './protocol.js';

/** min / percentiles (nearest rank) / max / mean of durations in ms. */
export function latencyStats(durations: readonly number[]): LatencyStats {
  const sorted = Float64Array.from(durations).sort();
  const n = sorted.length;
  if (n === 0) return { count: 0, minMs: 0, p50Ms: 0, p90Ms: 0, p99Ms: 0, maxMs: 0, meanMs: 0 };
  const at = (q: number) => sorted[Math.min(n - 1, Math.max(0, Math.ceil(q * n) - 1))] as number;
  let sum = 0;
  for (const d of sorted) sum += d;
  return { count: n, minMs: sorted[0] as number, p50Ms: at(0.5), p90Ms: at(0.9), p99Ms: at(0.99), maxMs: sorted[n - 1] as number, meanMs: sum / n };
}
