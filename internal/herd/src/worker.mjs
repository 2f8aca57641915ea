// One herd process: opens the shared store from its spec, loads the seeded token by user signature,
// and on each 'go' fires callsPerProcess concurrent getAccessToken() calls, then reports what it saw.
// Runs on plain node against the built packages (no loader), so dozens start quickly.
import { createHash } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { Initializer, customEnvironment } from '@tokenstore/core';
import { openStore, withoutLock } from './open-store.mjs';

let config;
let store;
let environment;
let sdk;
let refreshedHere = {};
let refreshFailedHere = {};

function send(message) {
  return new Promise((resolve, reject) => {
    if (!process.connected) return reject(new Error('IPC channel closed'));
    process.send(message, (error) => (error ? reject(error) : resolve()));
  });
}

function fingerprint(secret) {
  return createHash('sha256').update(String(secret)).digest('hex').slice(0, 16);
}

function describeError(error) {
  return {
    code: String(error?.code ?? error?.name ?? 'UNKNOWN'),
    name: String(error?.name ?? typeof error),
    message: String(error?.message ?? error),
  };
}

function stats(durations) {
  const sorted = Float64Array.from(durations).sort();
  const n = sorted.length;
  const at = (q) => (n === 0 ? 0 : sorted[Math.min(n - 1, Math.max(0, Math.ceil(q * n) - 1))]);
  let sum = 0;
  for (const d of sorted) sum += d;
  return { count: n, minMs: n ? sorted[0] : 0, p50Ms: at(0.5), p90Ms: at(0.9), p99Ms: at(0.99), maxMs: n ? sorted[n - 1] : 0, meanMs: n ? sum / n : 0 };
}

async function init(message) {
  config = message.config;
  const opened = await openStore(config.store);
  if (config.lock && !opened.lock) throw new Error(`the ${config.store.kind} store has no lock: a locked herd needs one`);
  store = config.lock ? opened : withoutLock(opened);
  environment = customEnvironment({ name: 'herd', ...config.environment });
  await send({ type: 'ready', pid: process.pid });
}

async function prepare(message) {
  if (message.reinit || !sdk) {
    await sdk?.close().catch(() => undefined);
    refreshedHere = {};
    refreshFailedHere = {};
    sdk = await Initializer.initialize({
      environment,
      store,
      token: { userSignature: { name: config.user } },
      ...(config.refresh ? { refresh: config.refresh } : {}),
      hooks: {
        tokenRefreshed: (event) => {
          refreshedHere[event.reason] = (refreshedHere[event.reason] ?? 0) + 1;
        },
        refreshFailed: (event) => {
          const code = String(event.error?.code ?? 'UNKNOWN');
          refreshFailedHere[code] = (refreshFailedHere[code] ?? 0) + 1;
        },
      },
    });
  }
  await send({ type: 'prepared', round: message.round });
}

async function go(message) {
  const refreshedBefore = { ...refreshedHere };
  const failedBefore = { ...refreshFailedHere };
  const wait = message.startAt - Date.now();
  if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
  const startedAt = Date.now();
  const t0 = performance.now();
  const durations = [];
  const tokens = {};
  const errors = {};
  const samples = new Map();
  let ok = 0;
  const one = async () => {
    try {
      const accessToken = await sdk.getAccessToken();
      durations.push(performance.now() - t0);
      const fp = fingerprint(accessToken);
      tokens[fp] = (tokens[fp] ?? 0) + 1;
      ok++;
    } catch (error) {
      durations.push(performance.now() - t0);
      const sample = describeError(error);
      errors[sample.code] = (errors[sample.code] ?? 0) + 1;
      if (!samples.has(sample.code)) samples.set(sample.code, sample);
    }
  };
  const calls = [];
  for (let i = 0; i < config.callsPerProcess; i++) calls.push(one());
  await Promise.all(calls);
  const finishedAt = Date.now();
  const delta = (now, before) => Object.fromEntries(Object.entries(now).map(([k, v]) => [k, v - (before[k] ?? 0)]).filter(([, v]) => v > 0));
  await send({
    type: 'result',
    round: message.round,
    result: {
      index: config.index,
      pid: process.pid,
      calls: config.callsPerProcess,
      ok,
      errors,
      errorSamples: [...samples.values()],
      tokens,
      refreshedHere: delta(refreshedHere, refreshedBefore),
      refreshFailedHere: delta(refreshFailedHere, failedBefore),
      latency: stats(durations),
      durationsMs: durations.map((d) => Math.round(d * 100) / 100),
      startedAt,
      finishedAt,
    },
  });
}

async function close() {
  await sdk?.close().catch(() => undefined);
  await store?.close?.().catch(() => undefined);
  await send({ type: 'closed' }).catch(() => undefined);
  process.exit(0);
}

const handlers = { init, prepare, go, close };
let queue = Promise.resolve();
process.on('message', (message) => {
  queue = queue
    .then(() => {
      const handler = handlers[message?.type];
      if (!handler) throw new Error(`unknown message ${JSON.stringify(message?.type)}`);
      return handler(message);
    })
    .catch(async (error) => {
      await send({ type: 'fatal', error: { ...describeError(error), stack: String(error?.stack ?? '') } }).catch(() => undefined);
      process.exit(1);
    });
});
// The parent went away (crash, kill): do not linger.
process.on('disconnect', () => process.exit(2));
