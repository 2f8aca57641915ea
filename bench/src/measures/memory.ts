/**
 * Measure 5, memory: peak RSS of a process holding N tokens (100k in the full run) in FileStore and in
 * MemoryStore, each measured in a fresh child process, against an empty process that loaded the same
 * packages (the baseline). Reported as peak RSS and as bytes per token above the baseline, next to the
 * size of the same tokens as a JSON file.
 */
import { execFile } from 'node:child_process';
import { statSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { RECORD_FIELDS } from '@tokenstore/core/store-kit';
import { FORMAT, FORMAT_VERSION } from '@tokenstore/store-file';
import type { BenchConfig } from '../lib/config.js';
import { summarize, type Summary } from '../lib/stats.js';
import type { MeasureResult, Row } from '../lib/results.js';
import { benchPath } from '../lib/tmp.js';
import { record } from './memory-records.mjs';

const run = promisify(execFile);
const CHILD = fileURLToPath(new URL('./memory-child.mjs', import.meta.url));

interface Sample {
  peakRssBytes: number;
  rssBytes: number;
  heapUsedBytes: number;
  firstLookupMs: number;
}

async function sample(kind: string, n: number, path = ''): Promise<Sample> {
  const env = { ...process.env };
  delete env.NODE_OPTIONS; // no loader in the child
  const { stdout } = await run(process.execPath, ['--expose-gc', CHILD, kind, String(n), path], { env, maxBuffer: 1 << 20 });
  return JSON.parse(stdout.trim().split('\n').pop() as string) as Sample;
}

/** The same records the child generates, as a FileStore document (written here, read by the child). */
async function writeTokenFile(path: string, n: number): Promise<number> {
  const tokens: Record<string, unknown>[] = [];
  for (let i = 0; i < n; i++) {
    const r = record(i) as unknown as Record<string, unknown>;
    tokens.push(Object.fromEntries(RECORD_FIELDS.filter((f) => r[f] !== null).map((f) => [f, r[f]])));
  }
  writeFileSync(path, `${JSON.stringify({ format: FORMAT, version: FORMAT_VERSION, tokens }, null, 2)}\n`, { mode: 0o600 });
  return statSync(path).size;
}

const mib = (b: number) => `${(b / 2 ** 20).toFixed(1)} MiB`;

export async function runMemory(config: BenchConfig): Promise<MeasureResult> {
  const n = config.memory.tokens;
  const path = benchPath('memory-tokens.json');
  const fileBytes = await writeTokenFile(path, n);
  const samples: Record<string, Sample[]> = { baseline: [], memory: [], file: [] };
  for (let rep = 0; rep < config.memory.reps; rep++) {
    // Interleaved, like every other measure.
    (samples.baseline as Sample[]).push(await sample('baseline', n));
    if (config.stores.includes('memory')) (samples.memory as Sample[]).push(await sample('memory', n));
    if (config.stores.includes('file')) (samples.file as Sample[]).push(await sample('file', n, path));
  }
  const peak: Record<string, Summary> = Object.fromEntries(Object.entries(samples).filter(([, v]) => v.length > 0).map(([k, v]) => [k, summarize(v.map((s) => s.peakRssBytes))]));
  const base = (peak.baseline as Summary).median;
  const heap: Record<string, Summary> = Object.fromEntries(Object.entries(samples).filter(([, v]) => v.length > 0).map(([k, v]) => [k, summarize(v.map((s) => s.heapUsedBytes))]));
  const heapBase = (heap.baseline as Summary).median;
  const rows: Row[] = [];
  const data: Record<string, unknown> = { tokens: n, jsonFileBytes: fileBytes, samples, peakRss: peak };
  for (const [kind, label] of [['memory', 'MemoryStore'], ['file', 'FileStore']] as const) {
    const s = peak[kind];
    if (!s) continue;
    const perToken = (s.median - base) / n;
    const retained = ((heap[kind] as Summary).median - heapBase) / n;
    data[`${kind}PeakBytesPerToken`] = perToken;
    data[`${kind}RetainedHeapBytesPerToken`] = retained;
    rows.push({
      measure: '5 memory',
      case: `peak RSS, ${label} holding ${n / 1000}k tokens`,
      subject: `peak ${mib(s.median)} (min-max ${mib(s.min)}-${mib(s.max)}) = ${Math.round(perToken)} B/token above baseline; retained heap after GC ${Math.round(retained)} B/token`,
      baseline: `empty process ${mib(base)}; the tokens as JSON: ${mib(fileBytes)}`,
      result: `${(s.median / base).toFixed(2)}x the empty process; ${(perToken / (fileBytes / n)).toFixed(2)}x the JSON size per token`,
      target: '-',
      met: null,
    });
  }
  return { rows, data, notes: [] };
}
