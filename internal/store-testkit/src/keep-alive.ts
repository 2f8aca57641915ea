import { createServer, type Server } from 'node:http';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { OAuthToken, tokenKey, type TokenStore } from '@tokenstore/core';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startChild } from '@tokenstore/conformance/child-process';
import { assertWorkerReady, tempPrefix, type FileBackedStore } from './file-backed-store.js';
import { tempDir } from './temp-dir.js';

const USER = 'keep-alive@example.test';

/** What the fake token endpoint answers, request by request (the last step repeats). */
type Answer = 503 | 'token';

interface FakeEndpoint {
  url: string;
  requests: number;
  close(): Promise<void>;
}

/**
 * A scripted token endpoint on loopback: the faults (a 503) are ours to place, which a real server
 * cannot do on demand. Token n is `keep-alive-access-n`.
 */
async function fakeTokenEndpoint(answers: Answer[]): Promise<FakeEndpoint> {
  const endpoint = { url: '', requests: 0, close: async () => undefined } as FakeEndpoint;
  const server: Server = createServer((request, response) => {
    request.resume();
    request.on('end', () => {
      const answer = answers[Math.min(endpoint.requests, answers.length - 1)];
      endpoint.requests++;
      if (answer === 503) {
        response.writeHead(503, { 'content-type': 'text/plain' }).end('unavailable');
        return;
      }
      const body = { access_token: `keep-alive-access-${endpoint.requests}`, token_type: 'Bearer', expires_in: 3600 };
      response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(body));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('fake token endpoint: no port');
  endpoint.url = `http://127.0.0.1:${address.port}/token`;
  endpoint.close = () =>
    new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    });
  return endpoint;
}

interface Outcome {
  code: number | null;
  signal: NodeJS.Signals | null;
  lines: string[];
  stderr: string;
  /** ms from the child's last output line to its exit (how long it lingered once settled). */
  lingeredMs: number;
}

/** Runs the fixture script to its exit (killed after `limitMs`: a hang fails the test, it does not stall it). */
async function runScript(script: string, config: object, limitMs = 20_000): Promise<Outcome> {
  const child = startChild(script, [JSON.stringify(config)], 'keep-alive child');
  let lastLineAt = Date.now();
  child.child.stdout!.on('data', () => (lastLineAt = Date.now()));
  const killer = setTimeout(() => child.child.kill('SIGKILL'), limitMs);
  const { code, signal } = await child.exited;
  clearTimeout(killer);
  return { code, signal, lines: child.lines, stderr: child.stderr(), lingeredMs: Date.now() - lastLineAt };
}

export interface KeepAliveTestOptions {
  store: FileBackedStore;
}

/**
 * A plain script awaiting `sdk.getAccessToken()` stays alive until the call settles (with a token, or
 * a coded error), whatever the engine waits for: a lease another process holds, a backoff after a
 * 503. And once nothing is pending, it exits by itself without `close()`.
 */
export function keepAliveTests({ store }: KeepAliveTestOptions): void {
  // The children run the built store and the built core: build both first (the store's dist is
  // checked here; core's engine is what these tests exercise, so rebuild it after changing it).
  beforeAll(() => assertWorkerReady(store));

  describe.each(['mjs', 'cjs'])('a plain .%s script on the built packages', (extension) => {
    // keep-alive-child.mjs (top-level await) and keep-alive-child.cjs (`main().then(...)`), on the store's built entry of that format.
    const script = fileURLToPath(new URL(`./keep-alive-child.${extension}`, import.meta.url));
    const cleanups: (() => Promise<void> | void)[] = [];
    afterEach(async () => {
      for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
    });

    /** A store file holding one token for USER (expired unless `valid`), a fake endpoint, and the store open here. */
    async function setup(answers: Answer[], valid = false) {
      const { dir, cleanup } = tempDir(tempPrefix(store));
      cleanups.push(cleanup);
      const file = join(dir, `tokens${store.extension}`);
      const here: TokenStore = store.open(file);
      cleanups.push(() => here.close?.());
      const saved = await here.saveToken(
        new OAuthToken({
          userSignature: { name: USER },
          clientId: 'keep-alive-client',
          clientSecret: 'keep-alive-secret',
          refreshToken: 'keep-alive-refresh',
          accessToken: 'keep-alive-access-0',
          expiresAt: valid ? Date.now() + 3_600_000 : Date.now() - 1000,
        }),
      );
      const endpoint = await fakeTokenEndpoint(answers);
      cleanups.push(() => endpoint.close());
      const built = { esm: join(store.packageDir, 'dist', 'index.js'), cjs: join(store.packageDir, 'dist', 'index.cjs'), className: store.className, fileOption: store.fileOption };
      const config = (refresh: object) => ({ store: built, file, tokenEndpoint: endpoint.url, user: USER, refresh: { timeoutMs: 2000, ...refresh } });
      const leaseKey = `tokenstore:refresh:${tokenKey(saved)}`;
      return { here, endpoint, config, leaseKey };
    }

    it('waits for a lease another process holds, then prints the refreshed token', async () => {
      const { here, endpoint, config, leaseKey } = await setup(['token']);
      expect(await here.lock!.acquire(leaseKey, 'another-process', 600)).toBe(true);
      const outcome = await runScript(script, config({ lockPollMs: 25, lockWaitMs: 10_000 }));
      expect(outcome).toMatchObject({ code: 0, signal: null, lines: ['token keep-alive-access-1'] });
      expect(endpoint.requests).toBe(1);
    });

    it('stays alive through the backoff after a 503, then prints the token', async () => {
      const { endpoint, config } = await setup([503, 'token']);
      const outcome = await runScript(script, config({ backoffMs: 400, maxBackoffMs: 1000 }));
      expect(outcome).toMatchObject({ code: 0, signal: null, lines: ['token keep-alive-access-2'] });
      expect(endpoint.requests).toBe(2);
    });

    it('settles with REFRESH_LOCK_TIMEOUT when the lease stays held past lockWaitMs', async () => {
      const { here, endpoint, config, leaseKey } = await setup(['token']);
      expect(await here.lock!.acquire(leaseKey, 'another-process', 60_000)).toBe(true);
      const outcome = await runScript(script, config({ lockPollMs: 25, lockWaitMs: 400 }));
      expect(outcome).toMatchObject({ code: 0, signal: null, lines: ['error REFRESH_LOCK_TIMEOUT'] });
      expect(endpoint.requests).toBe(0);
    });

    it.each([
      ['a valid token (no refresh)', true, 0],
      ['a refresh (its lease and heartbeat are gone)', false, 1],
    ])('exits by itself after %s, without close()', async (_name, valid, requests) => {
      const { endpoint, config } = await setup(['token'], valid);
      const outcome = await runScript(script, config({}));
      expect(outcome).toMatchObject({ code: 0, signal: null, lines: [`token keep-alive-access-${requests}`] });
      // Nothing ref'd is left once the call settled: the process ends at once, not after a lease ttl.
      expect(outcome.lingeredMs).toBeLessThan(2000);
      expect(endpoint.requests).toBe(requests);
    });
  });
}
