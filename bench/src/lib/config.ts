/**
 * Run configuration: `pnpm bench` (full) or `pnpm bench --quick` (CI smoke: small sizes, few reps).
 * `--only=hot,herd,overhead,scaling,memory,fleet,encryption` restricts the measures; `--stores=sqlite,postgres,...`
 * restricts the stores; `--fleet-tokens=N` sets the fleet's size (issue 18's 10,000: see BENCHMARKS.md
 * for what seeding that many real grants costs). Every size and repetition count lives here, so the two modes are easy to read.
 */
export type MeasureName = 'hot' | 'herd' | 'overhead' | 'scaling' | 'memory' | 'fleet' | 'encryption';
export const MEASURES: readonly MeasureName[] = ['hot', 'herd', 'overhead', 'scaling', 'memory', 'fleet', 'encryption'];
export type StoreKind = 'memory' | 'sqlite' | 'file' | 'postgres' | 'mysql' | 'mongo';
export const STORE_KINDS: readonly StoreKind[] = ['memory', 'sqlite', 'file', 'postgres', 'mysql', 'mongo'];

export interface BenchConfig {
  mode: 'full' | 'quick';
  measures: readonly MeasureName[];
  stores: readonly StoreKind[];
  /** Target duration of one timed batch, ms (scaling; the other measures have their own). */
  batchMs: number;
  hot: { reps: number; batchMs: number };
  herd: {
    callers: readonly number[];
    /** Expiries per in-process case (the subject must make exactly one request for each). */
    expiries: number;
    processes: number;
    /** Concurrent callers inside each process. */
    callersPerProcess: number;
    processExpiries: number;
    /** Baseline caller counts (the baseline makes ~N requests, each one a real token request). */
    baselineCallers: readonly number[];
  };
  overhead: { rows: number; reps: number; batchMs: number };
  scaling: {
    sql: readonly number[];
    file: readonly number[];
    /** FerretDB loads slowly (documents are jsonb rows written one by one); it gets its own cap. */
    mongo: readonly number[];
    lookups: number;
    reps: number;
  };
  memory: { tokens: number; reps: number };
  fleet: {
    /** Tokens per store (SQLite, PostgreSQL, MySQL). Each is a real grant: an authorization-code flow to seed. */
    tokens: number;
    /** FileStore (a save rewrites the whole file) and MongoStore on FerretDB (lookups scan). */
    smallTokens: number;
    processes: number;
    /** The window over which the tokens expire. */
    waveMs: number;
    /** Time to load the fleet into every process before the first expiry. */
    leadMs: number;
    /** Concurrent loops per process; each waits pauseMs between calls during the wave. */
    workers: number;
    pauseMs: number;
    /** (lease on, lease off) pairs of the throughput burst, and how many of the fleet's tokens each refreshes. */
    throughputPairs: number;
    /** Bursts before the timed ones (lease on, off, ...): checked like the others, not timed. */
    throughputWarmups: number;
    burstTokens: number;
  };
  /** Rows per table, repetitions and batch length of the encryption measure. */
  encryption: { rows: number; reps: number; batchMs: number };
}

export function parseArgs(argv: readonly string[]): BenchConfig {
  const flags = new Map<string, string>();
  for (const arg of argv) {
    if (arg === '--') continue;
    const m = /^--([a-z-]+)(?:=(.*))?$/.exec(arg);
    if (!m) throw new Error(`unknown argument ${arg} (expected --quick, --only=..., --stores=...)`);
    flags.set(m[1] as string, m[2] ?? 'true');
  }
  for (const key of flags.keys()) {
    if (!['quick', 'only', 'stores', 'fleet-tokens'].includes(key)) throw new Error(`unknown flag --${key}`);
  }
  const fleetTokens = flags.has('fleet-tokens') ? Number(flags.get('fleet-tokens')) : undefined;
  if (fleetTokens !== undefined && !(Number.isSafeInteger(fleetTokens) && fleetTokens > 0)) throw new Error('--fleet-tokens=N: a positive integer');
  const quick = flags.get('quick') === 'true';
  const measures = list(flags.get('only'), MEASURES, 'measure');
  const stores = list(flags.get('stores'), STORE_KINDS, 'store');
  if (quick) {
    return {
      mode: 'quick',
      measures,
      stores,
      batchMs: 20,
      hot: { reps: 5, batchMs: 20 },
      herd: { callers: [1, 100, 1000], expiries: 2, processes: 8, callersPerProcess: 4, processExpiries: 1, baselineCallers: [1, 100] },
      overhead: { rows: 1000, reps: 5, batchMs: 25 },
      scaling: { sql: [1000, 20_000], file: [1000, 5000], mongo: [1000, 5000], lookups: 200, reps: 5 },
      memory: { tokens: 20_000, reps: 1 },
      fleet: { tokens: fleetTokens ?? 24, smallTokens: Math.min(fleetTokens ?? 12, 12), processes: 8, waveMs: 1000, leadMs: 1000, workers: 4, pauseMs: 20, throughputPairs: 1, throughputWarmups: 0, burstTokens: 16 },
      encryption: { rows: 50, reps: 3, batchMs: 10 },
    };
  }
  return {
    mode: 'full',
    measures,
    stores,
    batchMs: 80,
    hot: { reps: 15, batchMs: 80 },
    herd: { callers: [1, 100, 1000], expiries: 3, processes: 8, callersPerProcess: 10, processExpiries: 3, baselineCallers: [1, 100, 1000] },
    overhead: { rows: 1000, reps: 41, batchMs: 15 },
    scaling: { sql: [1000, 100_000, 1_000_000], file: [1000, 10_000, 100_000], mongo: [1000, 100_000], lookups: 1000, reps: 9 },
    memory: { tokens: 100_000, reps: 5 },
    // The lead grows with the fleet: every process loads every token before the first expiry.
    fleet: { tokens: fleetTokens ?? 400, smallTokens: Math.min(fleetTokens ?? 200, 200), processes: 8, waveMs: 30_000, leadMs: Math.max(10_000, 5 * (fleetTokens ?? 400)), workers: 4, pauseMs: 50, throughputPairs: 4, throughputWarmups: 2, burstTokens: 200 },
    encryption: { rows: 1000, reps: 21, batchMs: 40 },
  };
}

function list<T extends string>(value: string | undefined, all: readonly T[], what: string): readonly T[] {
  if (value === undefined) return all;
  const items = value.split(',').map((s) => s.trim()).filter(Boolean);
  for (const item of items) if (!all.includes(item as T)) throw new Error(`unknown ${what} "${item}" (one of ${all.join(', ')})`);
  return all.filter((x) => items.includes(x));
}
