/**
 * runHerd(): the multi-process refresh race. Seeds a token (a real authorization code exchanged by the
 * SDK) into a shared store, lets it expire, then N child processes that share the store fire M
 * concurrent getAccessToken() calls each at the same instant, once per round. Reports what the
 * provider saw (refresh requests, invalid_grant), what every process saw, and the final stored token.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { createHash, randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { Initializer, customEnvironment, type Environment, type OAuthToken, type RefreshOptions, type TokenStore } from '@tokenstore/core';
import type { OAuthServerCounts, OAuthTestServer } from '@tokenstore/oauth-test-server';
import { assertBuilt } from './built.js';
import { describeSpec, openStore, type StoreSpec } from './open-store.mjs';
import type { ChildMessage, ErrorSample, LatencyStats, ParentMessage, ProcessRoundResult, WorkerConfig } from './protocol.js';
import { latencyStats } from './stats.js';

const WORKER = fileURLToPath(new URL('./worker.mjs', import.meta.url));

/** The parts of the test OAuth server the harness uses. */
export type HerdServer = Pick<OAuthTestServer, 'authorize' | 'client' | 'tokenEndpoint' | 'revocationEndpoint' | 'issuer' | 'counts'>;

export type ProviderCounts = Pick<OAuthServerCounts, 'token' | 'refresh' | 'authorizationCode' | 'invalidGrant' | 'revocation' | 'api'>;

export interface HerdOptions {
  /** The shared store, as every process opens it. */
  store: StoreSpec;
  server: HerdServer;
  /** Child processes. Default 8. */
  processes?: number;
  /** Concurrent getAccessToken() calls per process per round (one Initializer per process). Default 100. */
  callsPerProcess?: number;
  /**
   * true: the store as is (its `lock` coordinates the processes). false, the negative control: every
   * process wraps the store without `.lock`, so nothing is shared across processes but the data.
   */
  lock: boolean;
  /** Successive expiries. Default 1. */
  rounds?: number;
  /**
   * How the token expires before each round.
   * - `'rewrite'` (default, any access-token TTL): the parent saves the stored token with `expiresAt`
   *   in the past, and every process re-initialises from the store (a process restart).
   * - `'wait'`: real expiry: the processes keep one Initializer across rounds and the parent waits
   *   until the stored token's `expiresAt` has passed (needs a short `accessTokenTtlSeconds`).
   */
  expiry?: 'rewrite' | 'wait';
  /** The user the seeded token belongs to. Default a fresh `herd-<uuid>`. */
  user?: string;
  /** Refresh engine options for the children (e.g. `lockPollMs`). */
  refresh?: RefreshOptions;
  /** Barrier lead time: processes start calling this long after the go is sent. Default 50 ms. */
  barrierMs?: number;
  /** Bound on each phase (spawn, a round, close). Default 60 s. */
  phaseTimeoutMs?: number;
}

export interface HerdRoundResult {
  round: number;
  /** What the provider saw during this round (calls only, seeding excluded). */
  provider: ProviderCounts;
  /** Per process, ordered by index. */
  processes: ProcessRoundResult[];
  calls: number;
  ok: number;
  errors: Record<string, number>;
  errorSamples: ErrorSample[];
  /** Distinct access tokens returned across every process (1 when the herd agreed on one refresh). */
  distinctAccessTokens: number;
  /** tokenRefreshed events across processes, by reason. */
  refreshedInProcesses: Record<string, number>;
  /** From the barrier to the last call settled in any process. */
  wallMs: number;
  latency: LatencyStats;
  /** Whether the stored access token after the round is one the processes returned. */
  storedAccessTokenSeen: boolean;
}

export interface HerdResult {
  store: string;
  lock: boolean;
  processes: number;
  callsPerProcess: number;
  user: string;
  tokenId: string;
  rounds: HerdRoundResult[];
  /** Sums over the rounds. */
  provider: ProviderCounts;
  errors: Record<string, number>;
  /** The stored token after the last round (secrets included: the caller owns it). */
  finalToken: OAuthToken | null;
  timings: { seedMs: number; spawnMs: number; totalMs: number };
}

interface Child {
  index: number;
  process: ChildProcess;
  inbox: ChildMessage[];
  waiters: Array<() => void>;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  stderr: string;
}

/** The SDK environment for the test server. */
export function herdEnvironment(server: HerdServer): Environment {
  return customEnvironment({ name: 'herd', tokenEndpoint: server.tokenEndpoint, revocationEndpoint: server.revocationEndpoint, apiUrl: server.issuer });
}

/**
 * Obtains a token the real way (authorization code from the server's login, exchanged by the SDK) and
 * saves it in `store`. Returns the stored token.
 */
export async function seedToken(store: TokenStore, server: HerdServer, user: string): Promise<OAuthToken> {
  const code = await server.authorize({ user });
  const sdk = await Initializer.initialize({
    environment: herdEnvironment(server),
    store,
    token: {
      userSignature: { name: user },
      clientId: server.client.clientId,
      clientSecret: server.client.clientSecret,
      redirectUrl: server.client.redirectUri,
      grantToken: code,
    },
  });
  try {
    await sdk.getAccessToken();
    const stored = sdk.token.id ? await store.findTokenById(sdk.token.id) : null;
    if (!stored) throw new Error('seedToken: the exchanged token was not found in the store');
    return stored;
  } finally {
    await sdk.close();
  }
}

export async function runHerd(options: HerdOptions): Promise<HerdResult> {
  const processes = positiveInt(options.processes ?? 8, 'processes');
  const callsPerProcess = positiveInt(options.callsPerProcess ?? 100, 'callsPerProcess');
  const rounds = positiveInt(options.rounds ?? 1, 'rounds');
  const expiry = options.expiry ?? 'rewrite';
  const barrierMs = options.barrierMs ?? 50;
  const phaseTimeoutMs = options.phaseTimeoutMs ?? 60_000;
  const { server } = options;
  const user = options.user ?? `herd-${randomUUID()}`;
  assertBuilt(options.store.kind);

  const began = Date.now();
  const store = await openStore(options.store);
  const children: Child[] = [];
  try {
    const seeded = await seedToken(store, server, user);
    const tokenId = seeded.id as string;
    const seedMs = Date.now() - began;

    const spawnStart = Date.now();
    for (let index = 0; index < processes; index++) children.push(spawnChild(index));
    const config = (index: number): WorkerConfig => ({
      index,
      store: options.store,
      lock: options.lock,
      user,
      callsPerProcess,
      environment: { tokenEndpoint: server.tokenEndpoint, revocationEndpoint: server.revocationEndpoint, apiUrl: server.issuer },
      ...(options.refresh ? { refresh: options.refresh } : {}),
    });
    await all(children, (c) => ({ type: 'init', config: config(c.index) }), 'ready', phaseTimeoutMs);
    const spawnMs = Date.now() - spawnStart;

    const results: HerdRoundResult[] = [];
    for (let round = 1; round <= rounds; round++) {
      if (expiry === 'rewrite') {
        const stored = await store.findTokenById(tokenId);
        if (!stored) throw new Error(`round ${round}: the token record ${tokenId} is gone`);
        await store.saveToken(stored.with({ expiresAt: Date.now() - 1000 }));
        await all(children, () => ({ type: 'prepare', round, reinit: true }), 'prepared', phaseTimeoutMs);
      } else {
        await all(children, () => ({ type: 'prepare', round, reinit: round === 1 }), 'prepared', phaseTimeoutMs);
        const stored = await store.findTokenById(tokenId);
        const expiresAt = stored?.expiresAt ?? 0;
        const wait = expiresAt - Date.now() + 20;
        if (wait > phaseTimeoutMs) throw new Error(`expiry 'wait': the token expires in ${wait} ms; use a short accessTokenTtlSeconds or expiry 'rewrite'`);
        if (wait > 0) await sleep(wait);
      }

      const before = snapshot(server.counts);
      const startAt = Date.now() + barrierMs;
      const replies = await all(children, () => ({ type: 'go', round, startAt }), 'result', phaseTimeoutMs);
      const provider = diff(snapshot(server.counts), before);
      const perProcess = replies.map((m) => (m as Extract<ChildMessage, { type: 'result' }>).result).sort((a, b) => a.index - b.index);
      const stored = await store.findTokenById(tokenId);
      results.push(summarise(round, provider, perProcess, startAt, stored));
    }

    await closeChildren(children, phaseTimeoutMs);
    const finalToken = await store.findTokenById(tokenId);
    return {
      store: describeSpec(options.store),
      lock: options.lock,
      processes,
      callsPerProcess,
      user,
      tokenId,
      rounds: results,
      provider: results.reduce<ProviderCounts>((sum, r) => add(sum, r.provider), zero()),
      errors: results.reduce<Record<string, number>>((sum, r) => addCounts(sum, r.errors), {}),
      finalToken,
      timings: { seedMs, spawnMs, totalMs: Date.now() - began },
    };
  } finally {
    for (const child of children) if (child.process.exitCode === null && child.process.signalCode === null) child.process.kill('SIGKILL');
    await Promise.all(children.map((c) => c.exited));
    await store.close?.();
  }
}

function summarise(round: number, provider: ProviderCounts, processes: ProcessRoundResult[], startAt: number, stored: OAuthToken | null): HerdRoundResult {
  const tokens: Record<string, number> = {};
  for (const p of processes) addCounts(tokens, p.tokens);
  const errorSamples = new Map<string, ErrorSample>();
  for (const p of processes) for (const s of p.errorSamples) if (!errorSamples.has(s.code)) errorSamples.set(s.code, s);
  const storedFp = stored?.accessToken ? fingerprint(stored.accessToken) : undefined;
  return {
    round,
    provider,
    processes,
    calls: processes.reduce((n, p) => n + p.calls, 0),
    ok: processes.reduce((n, p) => n + p.ok, 0),
    errors: processes.reduce<Record<string, number>>((sum, p) => addCounts(sum, p.errors), {}),
    errorSamples: [...errorSamples.values()],
    distinctAccessTokens: Object.keys(tokens).length,
    refreshedInProcesses: processes.reduce<Record<string, number>>((sum, p) => addCounts(sum, p.refreshedHere), {}),
    wallMs: Math.max(0, ...processes.map((p) => p.finishedAt)) - startAt,
    latency: latencyStats(processes.flatMap((p) => p.durationsMs)),
    storedAccessTokenSeen: storedFp !== undefined && storedFp in tokens,
  };
}

function spawnChild(index: number): Child {
  // No loader flags (vitest, tsx) and no NODE_OPTIONS: the worker is plain ESM against built dist.
  const env = { ...process.env };
  delete env.NODE_OPTIONS;
  const child = fork(WORKER, [], { execArgv: [], env, stdio: ['ignore', 'inherit', 'pipe', 'ipc'], serialization: 'json' });
  const record: Child = {
    index,
    process: child,
    inbox: [],
    waiters: [],
    stderr: '',
    exited: new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal }))),
  };
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
    record.stderr = (record.stderr + chunk).slice(-8000);
  });
  const wake = () => {
    for (const waiter of record.waiters.splice(0)) waiter();
  };
  child.on('message', (message: ChildMessage) => {
    record.inbox.push(message);
    wake();
  });
  void record.exited.then(wake);
  return record;
}

/** Sends each child its message and waits for every child's reply of type `expect`. */
async function all(children: Child[], message: (child: Child) => ParentMessage, expect: ChildMessage['type'], timeoutMs: number): Promise<ChildMessage[]> {
  for (const child of children) child.process.send(message(child));
  return Promise.all(children.map((child) => receive(child, expect, timeoutMs)));
}

function receive(child: Child, expect: ChildMessage['type'], timeoutMs: number): Promise<ChildMessage> {
  return new Promise((resolve, reject) => {
    const deadline = setTimeout(() => reject(new Error(`herd process ${child.index} sent no '${expect}' within ${timeoutMs} ms; stderr: ${child.stderr}`)), timeoutMs);
    const check = () => {
      const fatal = child.inbox.find((m) => m.type === 'fatal');
      if (fatal && fatal.type === 'fatal') {
        clearTimeout(deadline);
        return reject(new Error(`herd process ${child.index} failed: ${fatal.error.code}: ${fatal.error.message}\n${fatal.error.stack ?? ''}`));
      }
      const at = child.inbox.findIndex((m) => m.type === expect);
      if (at >= 0) {
        clearTimeout(deadline);
        return resolve(child.inbox.splice(at, 1)[0] as ChildMessage);
      }
      if (child.process.exitCode !== null || child.process.signalCode !== null) {
        clearTimeout(deadline);
        return reject(new Error(`herd process ${child.index} exited (${child.process.exitCode ?? child.process.signalCode}) before '${expect}'; stderr: ${child.stderr}`));
      }
      child.waiters.push(check);
    };
    check();
  });
}

async function closeChildren(children: Child[], timeoutMs: number): Promise<void> {
  await all(children, () => ({ type: 'close' }), 'closed', timeoutMs);
  await Promise.all(
    children.map(async (child) => {
      const timer = setTimeout(() => child.process.kill('SIGKILL'), timeoutMs);
      const { code, signal } = await child.exited;
      clearTimeout(timer);
      if (code !== 0) throw new Error(`herd process ${child.index} exited with ${code ?? signal}; stderr: ${child.stderr}`);
    }),
  );
}


/** The fingerprint the workers report for a token (sha256, 16 hex digits). */
export function fingerprint(secret: string): string {
  return createHash('sha256').update(secret).digest('hex').slice(0, 16);
}

function snapshot(counts: OAuthServerCounts): ProviderCounts {
  const { token, refresh, authorizationCode, invalidGrant, revocation, api } = counts;
  return { token, refresh, authorizationCode, invalidGrant, revocation, api };
}

function zero(): ProviderCounts {
  return { token: 0, refresh: 0, authorizationCode: 0, invalidGrant: 0, revocation: 0, api: 0 };
}

function diff(after: ProviderCounts, before: ProviderCounts): ProviderCounts {
  const out = zero();
  for (const key of Object.keys(out) as (keyof ProviderCounts)[]) out[key] = after[key] - before[key];
  return out;
}

function add(a: ProviderCounts, b: ProviderCounts): ProviderCounts {
  const out = zero();
  for (const key of Object.keys(out) as (keyof ProviderCounts)[]) out[key] = a[key] + b[key];
  return out;
}

function addCounts(into: Record<string, number>, from: Record<string, number>): Record<string, number> {
  for (const [key, value] of Object.entries(from)) into[key] = (into[key] ?? 0) + value;
  return into;
}

function positiveInt(value: number, name: string): number {
  if (!Number.isInteger(value) || value < 1) throw new TypeError(`runHerd: ${name} must be a positive integer`);
  return value;
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
