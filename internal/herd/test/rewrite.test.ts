/**
 * expiry 'rewrite' (what the benchmarks use: any access-token TTL): the parent writes an expiry in the
 * past into the store and every process re-initialises from it before each round.
 */
import { join } from 'node:path';
import { startOAuthServer, type OAuthTestServer } from '@tokenstore/oauth-test-server';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { rawRefresh, runHerd } from '../src/index.js';
import { summary, tempDir } from './helpers.js';

let server: OAuthTestServer;
let dir: string;
let cleanup: () => void;

beforeAll(async () => {
  server = await startOAuthServer({ rotateRefreshTokens: true }); // default 1 h access tokens
  ({ dir, cleanup } = tempDir());
});

afterAll(async () => {
  await server?.close();
  cleanup?.();
});

it('rewritten expiry, 4 processes x 250 calls, 2 rounds: one refresh per round', async () => {
  const result = await runHerd({ store: { kind: 'sqlite', filename: join(dir, 'rewrite.db') }, server, processes: 4, callsPerProcess: 250, lock: true, rounds: 2, expiry: 'rewrite' });
  console.info(summary(`${result.store} lock on, expiry rewrite`, result));
  expect(result.rounds.map((r) => r.provider.refresh)).toEqual([1, 1]);
  expect(result.errors).toEqual({});
  expect(result.rounds.every((r) => r.ok === 1000 && r.distinctAccessTokens === 1)).toBe(true);
  expect((await rawRefresh(server, result.finalToken!.refreshToken!)).status).toBe(200);
});

it('a single process with one caller works too (the benchmark baseline)', async () => {
  const result = await runHerd({ store: { kind: 'file', path: join(dir, 'one.json') }, server, processes: 1, callsPerProcess: 1, lock: true });
  expect(result.rounds[0]!.provider.refresh).toBe(1);
  expect(result.rounds[0]!.ok).toBe(1);
});
