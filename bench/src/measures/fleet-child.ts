/**
 * One process of the token fleet: opens the shared store, holds one Initializer per user (one
 * single-flight registry for the process, as a server would), and serves getAccessToken() for random
 * users during the wave, or refreshes its share of the users as fast as it can (the burst).
 */
import { Initializer, createRefreshRegistry, customEnvironment, type RefreshRegistry, type TokenStore } from '@tokenstore/core';
import { withoutLock } from '../lib/counting.js';
import { adapterFor } from '../stores/registry.js';
import type { FleetChildMessage, FleetParent, FleetReport } from './fleet-protocol.js';

let init: Extract<FleetParent, { type: 'init' }> | undefined;
let raw: TokenStore | undefined;
let sdks: Initializer[] = [];

const send = (m: FleetChildMessage) => new Promise<void>((resolve) => process.send?.(m, () => resolve()));
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const untilAt = (at: number) => sleep(Math.max(0, at - Date.now()));

async function closeAll(): Promise<void> {
  await Promise.all(sdks.map((s) => s.close().catch(() => undefined)));
  sdks = [];
}

/** Runs `task(i)` for i in [0, n) with `workers` in flight. */
async function pool(n: number, workers: number, task: (i: number) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(Array.from({ length: Math.min(workers, n) }, async () => {
    while (next < n) await task(next++);
  }));
}

function newReport(): FleetReport {
  return { requests: 0, errors: {}, latenciesMs: [], sweepLatenciesMs: [], ms: 0, cpuMs: 0 };
}

async function ask(sdk: Initializer, report: FleetReport, latencies: number[] | null): Promise<void> {
  const t = performance.now();
  try {
    await sdk.getAccessToken();
  } catch (error) {
    const code = String((error as { code?: unknown }).code ?? (error as Error).name);
    report.errors[code] = (report.errors[code] ?? 0) + 1;
  }
  report.requests++;
  latencies?.push(performance.now() - t);
}

async function handle(m: FleetParent): Promise<void> {
  switch (m.type) {
    case 'init':
      init = m;
      raw = await (await adapterFor(m.kind)).openStoreOnly(m.name);
      return send({ type: 'ready' });
    case 'prepare': {
      const c = init as Extract<FleetParent, { type: 'init' }>;
      await closeAll();
      const started = performance.now();
      const store = m.lock ? (raw as TokenStore) : withoutLock(raw as TokenStore);
      const registry: RefreshRegistry = createRefreshRegistry();
      const environment = customEnvironment({ name: 'bench-fleet', ...c.environment });
      const loaded: Initializer[] = new Array(m.users.length);
      await pool(m.users.length, 16, async (i) => {
        // skewMs 0: a token is refreshed when its expiresAt passes, so the wave's expiries are exact.
        loaded[i] = await Initializer.initialize({ environment, store, registry, token: { userSignature: { name: m.users[i] as string } }, refresh: { skewMs: 0 } });
      });
      sdks = loaded;
      return send({ type: 'prepared', ms: performance.now() - started });
    }
    case 'wave': {
      const report = newReport();
      await untilAt(m.startAt);
      await Promise.all(Array.from({ length: m.workers }, async () => {
        while (Date.now() < m.endAt) {
          await ask(sdks[Math.floor(Math.random() * sdks.length)] as Initializer, report, report.latenciesMs);
          await sleep(m.pauseMs);
        }
      }));
      // Every token has expired by now: this process asks for its share of the users once (every
      // `processes`-th), so every token is asked for after its expiry by someone.
      const mine = sdks.filter((_, i) => i % m.processes === m.index);
      await pool(mine.length, m.workers, (i) => ask(mine[i] as Initializer, report, report.sweepLatenciesMs));
      report.ms = Date.now() - m.startAt;
      // Quiet before reporting: a refresh gives its lease back after its caller got the token, and
      // close() waits for that, so the parent counts the leases left once nothing is in flight.
      await closeAll();
      return send({ type: 'result', report });
    }
    case 'burst': {
      const report = newReport();
      const mine = sdks.slice(0, m.tokens).filter((_, i) => i % m.processes === m.index);
      await untilAt(m.startAt);
      const cpu = process.cpuUsage();
      await pool(mine.length, m.workers, (i) => ask(mine[i] as Initializer, report, null));
      report.ms = Date.now() - m.startAt; // when the last caller had its token
      await closeAll(); // the next run starts with every lease given back
      const used = process.cpuUsage(cpu);
      report.cpuMs = (used.user + used.system) / 1000; // the background releases included
      return send({ type: 'result', report });
    }
    case 'teardown':
      await closeAll();
      await raw?.close?.().catch(() => undefined);
      raw = undefined;
      return send({ type: 'done' });
    case 'exit':
      process.exit(0);
  }
}

let queue = Promise.resolve();
process.on('message', (m: FleetParent) => {
  queue = queue
    .then(() => handle(m))
    .catch(async (error: unknown) => {
      await send({ type: 'fatal', message: String((error as Error)?.stack ?? error) });
    });
});
process.on('disconnect', () => process.exit(2));
