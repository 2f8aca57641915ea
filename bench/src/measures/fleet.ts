/**
 * Measure 6, the token fleet (issue 18): many users' tokens expiring within one window, served by
 * several processes through one store, against oidc-provider with refresh-token rotation and reuse
 * detection (every duplicate refresh answers invalid_grant and revokes that user's grant).
 *
 * Per store:
 * - The wave: the fleet's tokens expire spread over `waveMs`; every process serves getAccessToken()
 *   for random users meanwhile, then each user is asked for once more by one process (so every token
 *   is asked for after it expired). Counted at the provider: token requests (must equal the tokens that expired),
 *   invalid_grant (0), callers' errors (0, re-authorizations among them); p50 / p99 latency of
 *   getAccessToken() during the wave; what is left in the lease table or directory afterwards.
 * - Throughput: every token expired at once, each process refreshing its share of the users, with
 *   the lease (the shipped engine) and without it (the store's `lock` hidden, single-flight kept),
 *   alternated; reported as refreshes per second with the lease / without (goal >= 0.8x).
 *
 * The tokens are obtained the real way once (authorization code, exchanged by the SDK); each store's
 * run starts from the tokens the previous one left (the provider's current refresh tokens).
 */
import { fileURLToPath } from 'node:url';
import { Initializer, MemoryStore, OAuthToken, customEnvironment, type Environment, type TokenStore } from '@tokenstore/core';
import { type TokenRecord } from '@tokenstore/core/store-kit';
import { startOAuthServer, type OAuthTestServer } from '@tokenstore/oauth-test-server';
import type { BenchConfig } from '../lib/config.js';
import { all, spawnChildren, stopChildren, type Child } from '../lib/children.js';
import { skipRow, type MeasureResult, type Row } from '../lib/results.js';
import { fmtLatency, fmtNum, fmtRatio, summarize, type Summary } from '../lib/stats.js';
import { benchDir } from '../lib/tmp.js';
import { DATABASE_PROCESSES, cpuMsBetween, cpuTicksOf } from '../lib/cpu.js';
import { usableAdapters } from '../stores/registry.js';
import type { OpenedStore, StoreAdapter } from '../stores/types.js';
import type { FleetChildMessage, FleetParent, FleetReport } from './fleet-protocol.js';

const CHILD = fileURLToPath(new URL('./fleet-child.ts', import.meta.url));
const MEASURE = '6 token fleet';
/**
 * Lease on (true) / off per timed burst: on off off on, off on on off. Each pair's two runs are next
 * to each other and as many pairs run the lease first as second, so a drift over the run (throughput
 * rose from burst to burst) falls on both sides alike.
 */
const BALANCED_ORDER = [true, false, false, true, false, true, true, false];
const THROUGHPUT_GOAL = 0.8;
type FleetChild = Child<FleetChildMessage>;
const send = (children: FleetChild[], m: FleetParent | ((i: number) => FleetParent), reply: FleetChildMessage['type']) => all<FleetParent, FleetChildMessage>(children, m, reply, 600_000);
const reports = (ms: FleetChildMessage[]) => ms.map((m) => (m as { report: FleetReport }).report);

/** Runs `task(i)` for i in [0, n) with `workers` in flight. */
async function pool(n: number, workers: number, task: (i: number) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(Array.from({ length: Math.min(workers, n) }, async () => {
    while (next < n) await task(next++);
  }));
}

/** `n` users' tokens, the real way: an authorization code each, exchanged by the SDK. */
async function seedFleet(server: OAuthTestServer, environment: Environment, n: number): Promise<TokenRecord[]> {
  const store = new MemoryStore();
  const stamp = Date.now().toString(36);
  await pool(n, 8, async (i) => {
    const code = await authorizeRetried(server, `fleet-${stamp}-${i}`);
    const sdk = await Initializer.initialize({
      environment,
      store,
      token: { userSignature: { name: `fleet-${stamp}-${i}@bench.example` }, clientId: server.client.clientId, clientSecret: server.client.clientSecret, redirectUrl: server.client.redirectUri, grantToken: code },
    });
    await sdk.getAccessToken();
    await sdk.close();
  });
  return byUser(await store.getTokens());
}

/** A front channel that failed to connect (a loaded machine) is simply run again: no code was issued. */
async function authorizeRetried(server: OAuthTestServer, user: string): Promise<string> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await server.authorize({ user });
    } catch (error) {
      if (attempt >= 3) throw error;
    }
  }
}

function byUser(tokens: OAuthToken[]): TokenRecord[] {
  return tokens.map((t) => t.toRecord()).sort((a, b) => String(a.userName).localeCompare(String(b.userName)));
}

/** Saves every record with the expiry `expiresAt(i)` (16 saves in flight). */
async function writeFleet(store: TokenStore, records: readonly TokenRecord[], expiresAt: (i: number) => number): Promise<void> {
  await pool(records.length, 16, async (i) => {
    await store.saveToken(OAuthToken.fromRecord({ ...(records[i] as TokenRecord), expiresAt: expiresAt(i) }));
  });
}

const addErrors = (into: Record<string, number>, from: Record<string, number>) => {
  for (const [k, v] of Object.entries(from)) into[k] = (into[k] ?? 0) + v;
  return into;
};
const errText = (e: Record<string, number>) => (Object.keys(e).length ? Object.entries(e).map(([k, v]) => `${v} ${k}`).join(', ') : 'none');
interface CpuSplit {
  app: number;
  provider: number;
  database: number;
}
const percentile = (sorted: number[], p: number) => (sorted.length ? (sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] as number) : NaN);

interface WaveResult {
  tokens: number;
  tokenRequests: number;
  invalidGrant: number;
  authorizationCode: number;
  calls: number;
  errors: Record<string, number>;
  reauthorizations: number;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
  /** The calls after the wave (each process asks for every user once). */
  sweep: { calls: number; p50Ms: number; p99Ms: number };
  prepareMs: number;
  wallMs: number;
  leasesLeft: number | null;
}

interface BurstRun {
  lease: boolean;
  refreshesPerSecond: number;
  /** CPU per token request, ms: the app processes (summed), this process (the provider) and the database server. */
  cpuPerRefreshMs: CpuSplit;
  tokenRequests: number;
  invalidGrant: number;
  errors: Record<string, number>;
}

export async function runFleet(config: BenchConfig): Promise<MeasureResult> {
  const rows: Row[] = [];
  const notes: string[] = [];
  const data: Record<string, unknown> = {};
  const f = config.fleet;
  const { usable, skipped } = await usableAdapters(config.stores.filter((k) => k !== 'memory'));
  for (const s of skipped) rows.push(skipRow(MEASURE, `${f.processes} processes, ${s.kind}`, s.why));
  if (usable.length === 0) return { rows, data, notes };
  const server = await startOAuthServer({ rotateRefreshTokens: true });
  const environment = customEnvironment({ name: 'bench-fleet', tokenEndpoint: server.tokenEndpoint, revocationEndpoint: server.revocationEndpoint, apiUrl: server.issuer });
  const childEnvironment = { tokenEndpoint: server.tokenEndpoint, revocationEndpoint: server.revocationEndpoint, apiUrl: server.issuer };
  const largest = Math.max(...usable.map((a) => sizeFor(config, a)));
  const seedStarted = Date.now();
  let fleet = await seedFleet(server, environment, largest);
  data.seedSeconds = (Date.now() - seedStarted) / 1000;
  benchDir(); // before forking: the children inherit the scratch directory through the environment
  const children = spawnChildren<FleetChildMessage>(CHILD, f.processes);
  try {
    for (const adapter of usable) {
      const n = sizeFor(config, adapter);
      const records = fleet.slice(0, n);
      const users = records.map((r) => r.userName as string);
      let opened: OpenedStore | undefined;
      try {
        opened = await adapter.open('tsbench_fleet');
        await send(children, { type: 'init', kind: adapter.kind, name: 'tsbench_fleet', environment: childEnvironment }, 'ready');

        // --- the wave ---
        const lead = f.leadMs;
        const base = Date.now() + lead;
        // Expiries spread evenly over the window, in an order unrelated to the users' order.
        const slot = records.map((_, i) => i).sort(() => Math.random() - 0.5);
        await writeFleet(opened.store, records, (i) => base + Math.floor(((slot[i] as number) + 0.5) * (f.waveMs / n)));
        const prepared = await send(children, { type: 'prepare', users, lock: true }, 'prepared');
        const prepareMs = Math.max(...prepared.map((m) => (m as { ms: number }).ms));
        if (Date.now() > base) notes.push(`Fleet ${adapter.label}: loading ${n} tokens into ${f.processes} processes took ${Math.round(prepareMs)} ms, past the ${lead} ms lead: the wave started late (its first expiries were already due).`);
        const startAt = Math.max(base, Date.now() + 100);
        const before = { ...server.counts };
        const waveReports = reports(await send(children, (index) => ({ type: 'wave', startAt, endAt: base + f.waveMs, workers: f.workers, pauseMs: f.pauseMs, index, processes: f.processes }), 'result'));
        const latencies = waveReports.flatMap((r) => r.latenciesMs).sort((a, b) => a - b);
        const sweep = waveReports.flatMap((r) => r.sweepLatenciesMs).sort((a, b) => a - b);
        const errors = waveReports.reduce<Record<string, number>>((acc, r) => addErrors(acc, r.errors), {});
        const wave: WaveResult = {
          tokens: n,
          tokenRequests: server.counts.token - before.token,
          invalidGrant: server.counts.invalidGrant - before.invalidGrant,
          authorizationCode: server.counts.authorizationCode - before.authorizationCode,
          calls: waveReports.reduce((k, r) => k + r.requests, 0),
          errors,
          reauthorizations: errors.REAUTHORIZATION_REQUIRED ?? 0,
          p50Ms: percentile(latencies, 0.5),
          p99Ms: percentile(latencies, 0.99),
          maxMs: latencies[latencies.length - 1] ?? NaN,
          sweep: { calls: sweep.length, p50Ms: percentile(sweep, 0.5), p99Ms: percentile(sweep, 0.99) },
          prepareMs,
          wallMs: Math.max(...waveReports.map((r) => r.ms)),
          leasesLeft: opened.leaseCount ? await opened.leaseCount() : null,
        };

        // --- throughput: every token expired at once, each process its share; lease on / off alternated ---
        const runs: BurstRun[] = [];
        const burstTokens = Math.min(n, f.burstTokens);
        const { store } = opened;
        const burstRun = async (lease: boolean): Promise<BurstRun> => {
          await writeFleet(store, byUser(await store.getTokens()).slice(0, burstTokens), () => Date.now() - 1000);
          await send(children, { type: 'prepare', users: users.slice(0, burstTokens), lock: lease }, 'prepared');
          const b = { ...server.counts };
          const start = Date.now() + 200;
          const providerCpu = process.cpuUsage();
          const databaseCpu = cpuTicksOf(DATABASE_PROCESSES);
          const burst = reports(await send(children, (index) => ({ type: 'burst', startAt: start, index, processes: f.processes, workers: f.workers, tokens: burstTokens }), 'result'));
          const providerUsed = process.cpuUsage(providerCpu);
          const databaseMs = cpuMsBetween(databaseCpu, cpuTicksOf(DATABASE_PROCESSES));
          const ms = Math.max(...burst.map((r) => r.ms));
          const requests = Math.max(1, server.counts.token - b.token);
          return {
            lease,
            refreshesPerSecond: (server.counts.token - b.token) / (ms / 1000),
            cpuPerRefreshMs: {
              app: burst.reduce((k, r) => k + r.cpuMs, 0) / requests,
              provider: (providerUsed.user + providerUsed.system) / 1000 / requests,
              database: databaseMs / requests,
            },
            tokenRequests: server.counts.token - b.token,
            invalidGrant: server.counts.invalidGrant - b.invalidGrant,
            errors: burst.reduce<Record<string, number>>((acc, r) => addErrors(acc, r.errors), {}),
          };
        };
        // Warm-up bursts, checked but not timed: throughput rose from burst to burst after the wave.
        const warmups: BurstRun[] = [];
        for (let k = 0; k < f.throughputWarmups; k++) warmups.push(await burstRun(k % 2 === 0));
        for (let k = 0; k < f.throughputPairs * 2; k++) runs.push(await burstRun(BALANCED_ORDER[k % BALANCED_ORDER.length] as boolean));
        const leasesAfter = opened.leaseCount ? await opened.leaseCount() : null;
        const on = runs.filter((r) => r.lease);
        const off = runs.filter((r) => !r.lease);
        // The i-th lease-on run with the i-th lease-off run: in BALANCED_ORDER those are next to each other.
        const ratio: Summary = summarize(on.map((r, i) => r.refreshesPerSecond / (off[i] as BurstRun).refreshesPerSecond));
        const burstOk = [...warmups, ...runs].every((r) => r.tokenRequests === burstTokens && r.invalidGrant === 0 && Object.keys(r.errors).length === 0);
        await send(children, { type: 'teardown' }, 'done');
        // The children have closed their stores: whatever a lock keeps while open is gone too.
        const leasesClosed = opened.leaseCount ? await opened.leaseCount() : null;
        fleet = [...byUser(await opened.store.getTokens()), ...fleet.slice(n)];

        const waveMet = wave.tokenRequests === n && wave.invalidGrant === 0 && wave.authorizationCode === 0 && Object.keys(errors).length === 0;
        // Every refresh has finished and released by now (the children closed their instances): a lock
        // that cleans up after itself leaves nothing, or no more than its design bound.
        const bound = (opened.leaseBound?.entries ?? 0) * (opened.leaseBound?.perProcess ? f.processes : 1);
        const leasesMet = wave.leasesLeft === null ? null : wave.leasesLeft <= bound && (leasesAfter ?? 0) <= bound && (leasesClosed ?? 0) <= bound;
        data[adapter.kind] = { store: adapter.label, processes: f.processes, waveMs: f.waveMs, wave, throughput: { tokens: burstTokens, runs, ratio, leasesAfter, leasesClosed } };
        rows.push({
          measure: MEASURE,
          case: `wave: ${fmtNum(n)} tokens expiring over ${f.waveMs / 1000} s, ${f.processes} processes, ${adapter.label}`,
          subject: `${wave.tokenRequests} token requests, ${wave.invalidGrant} invalid_grant, errors: ${errText(errors)} (${wave.reauthorizations} re-authorizations) in ${fmtNum(wave.calls)} calls; getAccessToken() during the wave p50 ${fmtLatency(wave.p50Ms * 1e6)}, p99 ${fmtLatency(wave.p99Ms * 1e6)} (after it, each user once by one process: p50 ${fmtLatency(wave.sweep.p50Ms * 1e6)}, p99 ${fmtLatency(wave.sweep.p99Ms * 1e6)})`,
          baseline: `${n} expiries`,
          result: `${wave.tokenRequests} / ${n} requests per expiry; lease ${adapter.kind === 'file' ? 'files' : adapter.kind === 'mongo' ? 'documents' : 'rows'} left: ${wave.leasesLeft ?? '-'} after the wave, ${leasesAfter ?? '-'} after the bursts, ${leasesClosed ?? '-'} once the stores closed${opened.leaseBound ? ` (bound: ${bound}, ${opened.leaseBound.why})` : ''}`,
          target: `requests = expiries, 0 errors, 0 re-authorizations; ${bound === 0 ? '0 leases' : `<= ${bound} lease entries`} left once quiet`,
          met: waveMet && leasesMet !== false,
        });
        const fmtRuns = (rs: BurstRun[]) => rs.map((r) => `${fmtNum(r.refreshesPerSecond)}/s`).join(', ');
        rows.push({
          measure: MEASURE,
          case: `refresh throughput, ${fmtNum(burstTokens)} of them expired at once, ${f.processes} processes, ${adapter.label}`,
          subject: `with the lease: ${fmtRuns(on)}${burstOk ? '' : ` (${runs.map((r) => `${r.tokenRequests} requests, ${r.invalidGrant} invalid_grant, errors ${errText(r.errors)}`).join('; ')})`}`,
          baseline: `lease off, single-flight kept: ${fmtRuns(off)}`,
          result: `${fmtRatio(ratio)} of lease-off`,
          target: `>= ${THROUGHPUT_GOAL}x`,
          met: burstOk && ratio.median >= THROUGHPUT_GOAL,
        });
        if (!waveMet) notes.push(`Fleet ${adapter.label}: ${wave.tokenRequests} token requests for ${n} expiries, ${wave.invalidGrant} invalid_grant, errors ${errText(errors)}.`);
        if (leasesMet === false) notes.push(`Fleet ${adapter.label}: ${wave.leasesLeft} lease entries left after the wave, ${leasesAfter} after the bursts, with no refresh in flight (bound ${bound}: the lease table grows with the tokens ever refreshed).`);
        notes.push(`Fleet ${adapter.label}: CPU per refresh in the timed bursts (median), with the lease: ${fmtCpu(on)}; lease off: ${fmtCpu(off)}.`);
        if (!(ratio.median >= THROUGHPUT_GOAL)) notes.push(`Fleet ${adapter.label}: refresh throughput with the lease ${fmtRatio(ratio)} of lease-off (goal ${THROUGHPUT_GOAL}x).`);
      } catch (error) {
        for (const c of children) c.inbox.length = 0;
        await send(children, { type: 'teardown' }, 'done').catch(() => undefined);
        rows.push(skipRow(MEASURE, `${f.processes} processes, ${adapter.label}`, `failed: ${(error as Error).message.split('\n')[0]}`));
        notes.push(`Fleet on ${adapter.label} failed: ${(error as Error).stack ?? error}`);
      } finally {
        await opened?.drop().catch(() => undefined);
      }
    }
  } finally {
    await stopChildren(children, { type: 'exit' } satisfies FleetParent);
    await server.close();
  }
  return { rows, data, notes };
}

const median = (xs: number[]) => summarize(xs).median;
/** The median CPU split of `runs`, as "app 1.2 ms, provider 2.3 ms, database 0.4 ms". */
function fmtCpu(runs: BurstRun[]): string {
  const part = (k: keyof CpuSplit) => `${k} ${median(runs.map((r) => r.cpuPerRefreshMs[k])).toFixed(2)} ms`;
  return `${part('app')}, ${part('provider')}, ${part('database')}`;
}

/** FileStore rewrites its whole document per save and FerretDB scans per lookup: smaller fleets (see BENCHMARKS.md). */
function sizeFor(config: BenchConfig, adapter: StoreAdapter): number {
  return adapter.kind === 'file' || adapter.kind === 'mongo' ? config.fleet.smallTokens : config.fleet.tokens;
}
