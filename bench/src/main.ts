/**
 * `pnpm bench` (full) and `pnpm bench --quick` (CI smoke, < 2 min): runs the measures of issues 7,
 * 12 and 18, prints the table, writes bench/results/{latest,quick}.{json,md,svg} and, in the
 * full mode, the table section of BENCHMARKS.md. See BENCHMARKS.md for what each figure means.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { MEASURES, STORE_KINDS, parseArgs, type BenchConfig, type MeasureName } from './lib/config.js';
import { machine } from './lib/machine.js';
import type { MeasureResult, Row } from './lib/results.js';
import { loadServiceEnv } from './lib/services.js';
import { benchDir, removeBenchDir } from './lib/tmp.js';
import { buildChart } from './report/build-chart.js';
import { markdownTable, terminalTable } from './report/table.js';

const RESULTS = fileURLToPath(new URL('../results/', import.meta.url));
const BENCHMARKS_MD = fileURLToPath(new URL('../../BENCHMARKS.md', import.meta.url));
const START = '<!-- bench:results:start -->';
const END = '<!-- bench:results:end -->';

const RUNNERS: Record<MeasureName, (c: BenchConfig) => Promise<MeasureResult>> = {
  hot: async (c) => (await import('./measures/hot.js')).runHot(c),
  herd: async (c) => (await import('./measures/herd.js')).runHerd(c),
  overhead: async (c) => (await import('./measures/overhead.js')).runOverhead(c),
  scaling: async (c) => (await import('./measures/scaling.js')).runScaling(c),
  memory: async (c) => (await import('./measures/memory.js')).runMemory(c),
  fleet: async (c) => (await import('./measures/fleet.js')).runFleet(c),
  encryption: async (c) => (await import('./measures/encryption.js')).runEncryption(c),
};

async function main(): Promise<number> {
  const config = parseArgs(process.argv.slice(2));
  const started = Date.now();
  const loaded = loadServiceEnv();
  benchDir();
  const host = machine();
  console.log(`tokenstore bench (${config.mode}): ${host.cores} cores, ${host.cpuModel}, Node ${host.node}, ${host.platform}; load ${host.loadAvg.join(' ')}`);
  if (loaded.length) console.log(`(service URLs from scripts/services env: ${loaded.join(', ')})`);

  const results: Partial<Record<MeasureName, MeasureResult>> = {};
  let crashed = false;
  for (const name of config.measures) {
    const t = Date.now();
    process.stdout.write(`\n-- measure ${name} ... `);
    try {
      const r = await RUNNERS[name](config);
      r.seconds = (Date.now() - t) / 1000;
      results[name] = r;
      console.log(`${r.seconds.toFixed(1)} s`);
      console.log(terminalTable(r.rows));
    } catch (error) {
      crashed = true;
      console.log('FAILED');
      console.error(error);
      results[name] = { rows: [{ measure: name, case: 'crashed', subject: '-', baseline: '-', result: String((error as Error).message), target: '-', met: false }], data: null, notes: [String((error as Error).stack ?? error)], seconds: (Date.now() - t) / 1000 };
    }
  }
  const rows: Row[] = config.measures.flatMap((m) => results[m]?.rows ?? []);
  const notes = config.measures.flatMap((m) => results[m]?.notes ?? []);
  const totalSeconds = (Date.now() - started) / 1000;
  const missed = rows.filter((r) => r.met === false);

  // Only a complete full run replaces latest.* (and BENCHMARKS.md); a narrowed one (--only, --stores) writes partial.*.
  const complete = config.measures.length === MEASURES.length && config.stores.length === STORE_KINDS.length;
  const stem = config.mode === 'quick' ? 'quick' : complete ? 'latest' : 'partial';
  mkdirSync(RESULTS, { recursive: true });
  const json = {
    mode: config.mode,
    date: new Date().toISOString(),
    machine: host,
    command: config.mode === 'full' ? 'scripts/services start && pnpm bench' : 'scripts/services start && pnpm bench --quick',
    config,
    totalSeconds,
    seconds: Object.fromEntries(config.measures.map((m) => [m, results[m]?.seconds])),
    rows,
    targetsMissed: missed.map((r) => `${r.measure}: ${r.case}`),
    notes,
    measures: Object.fromEntries(config.measures.map((m) => [m, results[m]?.data])),
  };
  writeFileSync(`${RESULTS}${stem}.json`, `${JSON.stringify(json, null, 2)}\n`);
  const subtitle = `${config.mode} run ${json.date.slice(0, 16).replace('T', ' ')} UTC · ${host.cores} cores ${host.cpuModel} · Node ${host.node}`;
  try {
    writeFileSync(`${RESULTS}${stem}.svg`, buildChart(json.measures, subtitle));
  } catch (error) {
    crashed = true;
    console.error('chart failed:', error);
  }
  const md = [
    `Run: \`${json.command}\` (${config.mode} mode) on ${json.date.slice(0, 10)}: ${host.cores} cores, ${host.cpuModel}, ${host.totalMemGiB} GiB, Node ${host.node}, ${host.platform}; ` +
      `load average at start ${host.loadAvg.join(' / ')}; took ${Math.round(totalSeconds)} s (${config.measures.map((m) => `${m} ${Math.round(results[m]?.seconds ?? 0)} s`).join(', ')}).`,
    '',
    markdownTable(rows),
    '',
    `![store comparison](bench/results/${stem}.svg)`,
  ].join('\n');
  writeFileSync(`${RESULTS}${stem}.md`, `${md}\n`);
  if (config.mode === 'full' && complete) {
    try {
      const doc = readFileSync(BENCHMARKS_MD, 'utf8');
      const a = doc.indexOf(START);
      const b = doc.indexOf(END);
      if (a >= 0 && b > a) writeFileSync(BENCHMARKS_MD, `${doc.slice(0, a + START.length)}\n${md}\n${doc.slice(b)}`);
    } catch {
      // BENCHMARKS.md missing: the results files are still written.
    }
  }

  console.log(`\n${markdownTable(rows)}\n`);
  if (missed.length) console.log(`Targets missed (${missed.length}):\n${notes.map((n) => `- ${n.split('\n')[0]}`).join('\n')}`);
  console.log(`\nwrote bench/results/${stem}.json, ${stem}.md, ${stem}.svg${stem === 'latest' ? ' and the results section of BENCHMARKS.md' : ''}; total ${totalSeconds.toFixed(0)} s`);
  return crashed || rows.some((r) => r.result.startsWith('failed:')) ? 1 : 0;
}

main()
  .then((code) => {
    removeBenchDir();
    process.exit(code);
  })
  .catch((error: unknown) => {
    console.error(error);
    removeBenchDir();
    process.exit(1);
  });
