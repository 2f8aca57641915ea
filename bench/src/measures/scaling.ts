/**
 * Measure 4, scaling: findToken latency with 1k, 100k and 1M stored tokens per SQL / Mongo store
 * (file store: 1k, 10k, 100k). One table per size, bulk-loaded directly through the driver; lookups
 * of random users run interleaved across the sizes, so every ratio compares batches taken side by
 * side. Target: the largest size within 2x of the smallest (indexes, no scans).
 */
import { OAuthToken } from '@tokenstore/core';
import type { BenchConfig, StoreKind } from '../lib/config.js';
import { fmtLatency, fmtRatio, interleave, ratioOf, type Summary } from '../lib/stats.js';
import { skipRow, type MeasureResult, type Row } from '../lib/results.js';
import { benchUser, probeSequence } from '../lib/tokens.js';
import { usableAdapters } from '../stores/registry.js';
import type { OpenedStore, StoreAdapter } from '../stores/types.js';
import { withServerRetry } from '../lib/services.js';

const TARGET = 2;
export const sizeLabel = (n: number) => (n >= 1e6 ? `${n / 1e6}M` : n >= 1e3 ? `${n / 1e3}k` : String(n));

export function sizesFor(config: BenchConfig, kind: StoreKind): readonly number[] {
  return kind === 'file' ? config.scaling.file : kind === 'mongo' ? config.scaling.mongo : config.scaling.sql;
}

export async function runScaling(config: BenchConfig): Promise<MeasureResult> {
  const rows: Row[] = [];
  const notes: string[] = [];
  const data: Record<string, unknown> = {};
  const { usable, skipped } = await usableAdapters(config.stores.filter((k) => k !== 'memory'));
  for (const s of skipped) rows.push(skipRow('4 scaling', s.kind, s.why));
  const retried: string[] = [];
  for (const adapter of usable) {
    try {
      await withServerRetry(adapter.kind, () => measureStore(adapter), retried);
    } catch (error) {
      rows.push(skipRow('4 scaling', adapter.label, `failed: ${(error as Error).message}`));
      notes.push(`Scaling ${adapter.label}: failed: ${(error as Error).stack ?? error}`);
    }
  }
  for (const r of retried) notes.push(`Scaling: retried after the server went away (another process restarted it): ${r}`);
  return { rows, data, notes };

  async function measureStore(adapter: StoreAdapter): Promise<void> {
    const sizes = sizesFor(config, adapter.kind);
    const opened: { size: number; store: OpenedStore }[] = [];
    const loadSeconds: Record<string, number> = {};
    try {
      for (const size of sizes) {
        const store = await adapter.open(`tsbench_s${sizeLabel(size).toLowerCase()}`);
        opened.push({ size, store });
        const started = performance.now();
        await store.bulkLoad(0, size);
        await store.analyze?.();
        loadSeconds[sizeLabel(size)] = Math.round((performance.now() - started) / 10) / 100;
      }
      const batches: Record<string, (n: number) => Promise<void>> = {};
      for (const { size, store } of opened) {
        const probes = probeSequence(size, config.scaling.lookups, size).map((i) => new OAuthToken({ userSignature: { name: benchUser(i) } }));
        // Warm-up: one pass over the probes (at most 3 s), so what is compared is the index walk at
        // each size, not a cold buffer pool (MariaDB reads with O_DIRECT: a cold 1M-row lookup costs
        // ~2 disk reads) nor which table happened to be loaded last.
        const warmUntil = Date.now() + 3000;
        for (const probe of probes) {
          await store.store.findToken(probe);
          if (Date.now() > warmUntil) break;
        }
        let k = 0;
        batches[sizeLabel(size)] = async (n) => {
          for (let i = 0; i < n; i++) {
            if (!(await store.store.findToken(probes[k++ % probes.length] as OAuthToken))) throw new Error(`findToken found nothing in the ${size}-token table`);
          }
        };
      }
      const t = await interleave(batches, config.scaling.reps, config.batchMs);
      const smallest = sizeLabel(sizes[0] as number);
      const largest = sizeLabel(sizes[sizes.length - 1] as number);
      const s0 = t.nsPerOp[smallest] as Summary;
      const sN = t.nsPerOp[largest] as Summary;
      const growth = ratioOf(sN, s0);
      const met = growth.median <= TARGET;
      const capped = adapter.kind === 'mongo' && (sizes[sizes.length - 1] as number) < Math.max(...config.scaling.sql);
      rows.push({
        measure: '4 scaling',
        case: `findToken, ${adapter.label}, ${sizes.map(sizeLabel).join(' / ')} tokens`,
        subject: sizes.map((n) => `${sizeLabel(n)}: ${fmtLatency((t.nsPerOp[sizeLabel(n)] as Summary).median)}`).join(', '),
        baseline: `${smallest} table (bulk load ${Object.entries(loadSeconds).map(([k, v]) => `${k} ${v}s`).join(', ')})`,
        result: `${largest} is ${fmtRatio(growth)} of ${smallest}`,
        target: `<= ${TARGET}x${capped ? ' (1M capped, see note)' : ''}`,
        met,
      });
      if (!met) notes.push(`Scaling ${adapter.label}: findToken at ${largest} tokens is ${growth.median.toFixed(2)}x the ${smallest} latency (target <= ${TARGET}x): ${fmtLatency(sN.median)} vs ${fmtLatency(s0.median)}.`);
      data[adapter.kind] = { store: adapter.label, sizes, loadSeconds, nsPerOp: t.nsPerOp, batchSize: t.batchSize, growth };
    } finally {
      for (const o of opened) await o.store.drop().catch(() => undefined);
    }
  }
}
