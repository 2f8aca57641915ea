/**
 * Measure 2, the refresh herd: how many token-endpoint requests the provider (a real oidc-provider,
 * in this process, counting every request) sees per expiry.
 *
 * - In one process: N concurrent getAccessToken() (1, 100, 1000) on one Initializer whose token has
 *   expired (MemoryStore), against the same engine with single-flight and the lease switched off.
 * - Across processes: 8 processes sharing one SQLite / PostgreSQL / MySQL / Mongo / file store, each
 *   firing its callers at the same instant, against the same with neither lease nor single-flight.
 *
 * Target: exactly one request per expiry in every case, every caller served, one access token.
 * The provider rotates refresh tokens and detects reuse (a duplicate refresh answers invalid_grant and
 * revokes the grant), so the baseline's extra requests also show up as failed callers.
 */
import { fileURLToPath } from 'node:url';
import { Initializer, MemoryStore, OAuthToken, customEnvironment, type Environment, type TokenStore } from '@tokenstore/core';
import { startOAuthServer, type OAuthTestServer } from '@tokenstore/oauth-test-server';
import type { BenchConfig } from '../lib/config.js';
import { withoutLock } from '../lib/counting.js';
import { skipRow, type MeasureResult, type Row } from '../lib/results.js';
import { benchDir } from '../lib/tmp.js';
import { usableAdapters } from '../stores/registry.js';
import type { StoreAdapter } from '../stores/types.js';
import { withServerRetry } from '../lib/services.js';
import { all as allChildren, spawnChildren, stopChildren, type Child } from '../lib/children.js';
import { noSingleFlight, type ChildMessage, type ParentMessage, type RoundReport } from './herd-protocol.js';

const CHILD = fileURLToPath(new URL('./herd-child.ts', import.meta.url));

interface Round {
  /** Baseline only: what the next expiry's single, well-behaved refresh got ('ok' or an error code). */
  nextRefresh?: string;
  requests: number;
  invalidGrant: number;
  callers: number;
  ok: number;
  errors: Record<string, number>;
  distinctTokens: number;
}

async function seed(store: TokenStore, server: OAuthTestServer, environment: Environment, user: string): Promise<void> {
  const code = await server.authorize({ user });
  const sdk = await Initializer.initialize({
    environment,
    store,
    token: { userSignature: { name: user }, clientId: server.client.clientId, clientSecret: server.client.clientSecret, redirectUrl: server.client.redirectUri, grantToken: code },
  });
  await sdk.getAccessToken();
  await sdk.close();
}

/** The stored token, made expired (as if its hour had passed). */
async function expire(store: TokenStore, user: string): Promise<void> {
  const stored = await store.findToken(new OAuthToken({ userSignature: { name: user } }));
  if (!stored) throw new Error(`herd: no stored token for ${user}`);
  await store.saveToken(stored.with({ expiresAt: Date.now() - 1000 }));
}

const addErrors = (into: Record<string, number>, from: Record<string, number>) => {
  for (const [k, v] of Object.entries(from)) into[k] = (into[k] ?? 0) + v;
  return into;
};
const errText = (e: Record<string, number>) => Object.entries(e).map(([k, v]) => `${v} ${k}`).join(', ');

function describeRounds(rounds: Round[]): string {
  const failed = rounds.reduce((n, r) => n + (r.callers - r.ok), 0);
  const errors = rounds.reduce<Record<string, number>>((acc, r) => addErrors(acc, r.errors), {});
  const next = rounds.find((r) => r.nextRefresh !== undefined)?.nextRefresh;
  return (
    `${rounds.map((r) => r.requests).join(', ')} request(s)${rounds.length > 1 ? ` over ${rounds.length} expiries` : ''}; ` +
    `${failed === 0 ? 'every caller served' : `${failed} callers failed (${errText(errors)})`}` +
    `${rounds.some((r) => r.invalidGrant) ? `; ${rounds.reduce((n, r) => n + r.invalidGrant, 0)} invalid_grant` : ''}` +
    `${next === undefined ? '' : next === 'ok' ? '; next refresh ok' : `; next refresh fails: ${next} (reuse detection revoked the grant)`}`
  );
}

/** After a baseline round: does one ordinary refresh still work, or did the herd get the grant revoked? */
async function nextRefresh(store: TokenStore, environment: Environment, user: string): Promise<string> {
  await expire(store, user);
  const sdk = await Initializer.initialize({ environment, store, token: { userSignature: { name: user } } });
  try {
    await sdk.getAccessToken();
    return 'ok';
  } catch (error) {
    return String((error as { code?: unknown }).code ?? (error as Error).name);
  } finally {
    await sdk.close().catch(() => undefined);
  }
}

const exact = (rounds: Round[]) => rounds.every((r) => r.requests === 1 && r.ok === r.callers && r.distinctTokens === 1);

// --- in one process -----------------------------------------------------------------------------

async function inProcess(server: OAuthTestServer, environment: Environment, callers: number, expiries: number, baseline: boolean): Promise<Round[]> {
  const store = new MemoryStore();
  const user = `herd-${baseline ? 'base' : 'sub'}-${callers}-${Date.now()}`;
  await seed(store, server, environment, user);
  const rounds: Round[] = [];
  for (let e = 0; e < expiries; e++) {
    await expire(store, user);
    const sdk = await Initializer.initialize({
      environment,
      store: baseline ? withoutLock(store) : store,
      token: { userSignature: { name: user } },
      ...(baseline ? { registry: noSingleFlight } : {}),
    });
    const before = { ...server.counts };
    const results = await Promise.allSettled(Array.from({ length: callers }, () => sdk.getAccessToken()));
    const errors: Record<string, number> = {};
    for (const r of results) if (r.status === 'rejected') addErrors(errors, { [String((r.reason as { code?: unknown }).code ?? 'ERROR')]: 1 });
    const ok = results.filter((r) => r.status === 'fulfilled');
    rounds.push({
      requests: server.counts.token - before.token,
      invalidGrant: server.counts.invalidGrant - before.invalidGrant,
      callers,
      ok: ok.length,
      errors,
      distinctTokens: new Set(ok.map((r) => (r as PromiseFulfilledResult<string>).value)).size,
    });
    await sdk.close().catch(() => undefined);
  }
  if (baseline) (rounds[0] as Round).nextRefresh = await nextRefresh(store, environment, user);
  return rounds;
}

// --- across processes ---------------------------------------------------------------------------

type HerdChild = Child<ChildMessage>;
const all = (children: HerdChild[], message: ParentMessage, reply: ChildMessage['type']) => allChildren<ParentMessage, ChildMessage>(children, message, reply);

export async function runHerd(config: BenchConfig): Promise<MeasureResult> {
  const rows: Row[] = [];
  const notes: string[] = [];
  const data: Record<string, unknown> = { inProcess: {}, processes: {} };
  const server = await startOAuthServer({ rotateRefreshTokens: true });
  const environment = customEnvironment({ name: 'bench-herd', tokenEndpoint: server.tokenEndpoint, revocationEndpoint: server.revocationEndpoint, apiUrl: server.issuer });
  const h = config.herd;
  try {
    for (const callers of h.callers) {
      const subject = await inProcess(server, environment, callers, h.expiries, false);
      const baseline = h.baselineCallers.includes(callers) ? await inProcess(server, environment, callers, 1, true) : undefined;
      const met = exact(subject);
      (data.inProcess as Record<string, unknown>)[callers] = { subject, baseline };
      rows.push({
        measure: '2 refresh herd',
        case: `1 process, ${callers} concurrent caller(s), MemoryStore`,
        subject: describeRounds(subject),
        baseline: baseline ? `no single-flight, no lease: ${describeRounds(baseline)}` : 'not run in this mode',
        result: `${subject.map((r) => r.requests).join('/')} vs ${baseline ? baseline[0]?.requests : '-'} requests per expiry`,
        target: 'exactly 1 per expiry',
        met,
      });
      if (!met) notes.push(`Herd, 1 process x ${callers}: ${describeRounds(subject)} (target exactly 1 request per expiry, every caller served).`);
    }

    const { usable, skipped } = await usableAdapters(config.stores.filter((k) => k !== 'memory'));
    for (const s of skipped) rows.push(skipRow('2 refresh herd', `${h.processes} processes, ${s.kind}`, s.why));
    if (usable.length === 0) return { rows, data, notes };
    benchDir(); // before forking: the children inherit the scratch directory through the environment
    const children = spawnChildren<ChildMessage>(CHILD, h.processes);
    try {
      const retried: string[] = [];
      const measureStore = async (adapter: StoreAdapter): Promise<void> => {
        const result: Record<string, Round[]> = {};
        try {
          for (const variant of ['subject', 'baseline'] as const) {
            const lease = variant === 'subject';
            const name = `tsbench_herd_${variant}`;
            const opened = await adapter.open(name);
            try {
              const user = `herd-${adapter.kind}-${variant}-${Date.now()}`;
              await seed(opened.store, server, environment, user);
              await all(
                children,
                {
                  type: 'init',
                  kind: adapter.kind,
                  name,
                  lock: lease,
                  singleFlight: lease,
                  user,
                  calls: h.callersPerProcess,
                  environment: { tokenEndpoint: server.tokenEndpoint, revocationEndpoint: server.revocationEndpoint, apiUrl: server.issuer },
                },
                'ready',
              );
              const rounds: Round[] = [];
              for (let e = 0; e < (lease ? h.processExpiries : 1); e++) {
                await expire(opened.store, user);
                await all(children, { type: 'prepare' }, 'prepared');
                const before = { ...server.counts };
                const replies = await all(children, { type: 'go', startAt: Date.now() + 150 }, 'result');
                const reports = replies.map((m) => (m as { report: RoundReport }).report);
                const tokens = new Set(reports.flatMap((r) => Object.keys(r.tokens)));
                rounds.push({
                  requests: server.counts.token - before.token,
                  invalidGrant: server.counts.invalidGrant - before.invalidGrant,
                  callers: h.processes * h.callersPerProcess,
                  ok: reports.reduce((n, r) => n + r.ok, 0),
                  errors: reports.reduce<Record<string, number>>((acc, r) => addErrors(acc, r.errors), {}),
                  distinctTokens: tokens.size,
                });
              }
              result[variant] = rounds;
              await all(children, { type: 'teardown' }, 'done');
              if (!lease) (rounds[0] as Round).nextRefresh = await nextRefresh(opened.store, environment, user);
            } finally {
              await opened.drop().catch(() => undefined);
            }
          }
          const subject = result.subject as Round[];
          const baseline = result.baseline as Round[];
          const met = exact(subject);
          (data.processes as Record<string, unknown>)[adapter.kind] = { store: adapter.label, processes: h.processes, callersPerProcess: h.callersPerProcess, subject, baseline };
          rows.push({
            measure: '2 refresh herd',
            case: `${h.processes} processes x ${h.callersPerProcess} callers, ${adapter.label}`,
            subject: describeRounds(subject),
            baseline: `no single-flight, no lease: ${describeRounds(baseline)}`,
            result: `${subject.map((r) => r.requests).join('/')} vs ${baseline[0]?.requests} requests per expiry`,
            target: 'exactly 1 per expiry',
            met,
          });
          if (!met) notes.push(`Herd, ${h.processes} processes on ${adapter.label}: ${describeRounds(subject)} (target exactly 1 request per expiry, every caller served, one token).`);
        } catch (error) {
          for (const c of children) c.inbox.length = 0;
          await all(children, { type: 'teardown' }, 'done').catch(() => undefined);
          for (const c of children) c.inbox.length = 0;
          throw error;
        }
      };
      for (const adapter of usable) {
        try {
          await withServerRetry(adapter.kind, () => measureStore(adapter), retried);
        } catch (error) {
          rows.push(skipRow('2 refresh herd', `${h.processes} processes, ${adapter.label}`, `failed: ${(error as Error).message.split('\n')[0]}`));
          notes.push(`Herd on ${adapter.label} failed: ${(error as Error).stack ?? error}`);
        }
      }
      for (const r of retried) notes.push(`Herd: retried after the server went away (another process restarted it): ${r}`);
    } finally {
      await stopChildren(children, { type: 'exit' } satisfies ParentMessage);
    }
  } finally {
    await server.close();
  }
  return { rows, data, notes };
}
