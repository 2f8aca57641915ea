/**
 * No secret in any log line, error message, error inspection or token/instance inspection across a full
 * flow against the real server: code exchange, API calls, refresh with rotation, 401 retry, a lease
 * timeout, a failed save, invalid_grant, revoke, and a wrong client secret.
 */
import { inspect } from 'node:util';
import { expect, it } from 'vitest';
import { Initializer, MemoryStore, OAuthToken, consoleLogger, tokenKey, type Environment, type FetchLike } from '../src/index.js';
import { grantToken, rawRevoke, serveDuringTests, type OAuthTestServer } from './helpers/oauth.js';
import { basicCredentials, secretVariants } from './helpers/secret-variants.js';
import { FlakyStore, captureLogger } from './helpers/stores.js';

let server: OAuthTestServer;
let environment: Environment;

serveDuringTests({ accessTokenTtlSeconds: 2 }, (started) => ({ server, environment } = started));

it('never shows a secret in logs, errors or inspect output', async () => {
  const secrets = new Set<string>([server.client.clientSecret]);
  const output: string[] = [];
  const seeSecrets = (text: string) => {
    const body = (() => {
      try {
        return JSON.parse(text) as Record<string, unknown>;
      } catch {
        return {};
      }
    })();
    for (const key of ['access_token', 'refresh_token', 'id_token']) if (typeof body[key] === 'string') secrets.add(body[key] as string);
  };
  // Records every secret that crosses the wire, both ways.
  const recordingFetch: FetchLike = async (input, init) => {
    const form = new URLSearchParams(typeof init?.body === 'string' ? init.body : '');
    for (const key of ['code', 'refresh_token', 'client_secret', 'token']) {
      const value = form.get(key);
      if (value) secrets.add(value);
    }
    const auth = new Headers(init?.headers).get('authorization');
    if (auth) secrets.add(auth.split(' ')[1] as string);
    const response = await fetch(input, init);
    seeSecrets(await response.clone().text());
    return response;
  };
  const fakeConsole = {
    debug: (line: string) => void output.push(line),
    info: (line: string) => void output.push(line),
    warn: (line: string) => void output.push(line),
    error: (line: string) => void output.push(line),
  };
  const structured = captureLogger();
  const store = new FlakyStore();
  const errors: unknown[] = [];
  const events: unknown[] = [];
  const capture = async (work: () => Promise<unknown>) => {
    try {
      await work();
    } catch (error) {
      errors.push(error);
    }
  };

  const grant = await grantToken(server, 'secret-test-user');
  secrets.add(grant.grantToken as string);
  let aheadMs = 0;
  const sdk = await Initializer.initialize({
    environment,
    store,
    token: grant,
    fetch: recordingFetch,
    logger: consoleLogger({ level: 'debug', console: fakeConsole }),
    hooks: { tokenRefreshed: (e) => void events.push(e), refreshFailed: (e) => void events.push(e) },
    refresh: { backoffMs: 1, maxBackoffMs: 20, lockPollMs: 5, lockWaitMs: 50 },
    // Time runs ahead when the test says so (the access token's expiry), instead of sleeping for it.
    now: () => Date.now() + aheadMs,
  });
  const mirror = await Initializer.initialize({ environment, store, token: { userSignature: { name: 'nobody-yet' }, accessToken: 'placeholder-access' }, logger: structured.logger, fetch: recordingFetch });

  // Exchange, API call, refresh with rotation, 401 retry.
  await sdk.getAccessToken();
  expect((await sdk.fetch('/api/me')).status).toBe(200);
  const id = sdk.token.id as string;
  aheadMs = 1100; // past the 2 s token's skewed expiry (skew = 1 s)
  await sdk.getAccessToken();
  await rawRevoke(server, await sdk.getAccessToken(), 'access_token');
  expect((await sdk.fetch('/api/me')).status).toBe(200);

  // A second instance at debug level on a structured logger, through the store.
  const byId = await Initializer.initialize({ environment, store, token: { id }, logger: structured.logger, fetch: recordingFetch, refresh: { lockWaitMs: 30, lockPollMs: 5 } });
  await byId.getAccessToken();

  // Lease held elsewhere -> RefreshLockTimeoutError.
  const expired = ((await store.findTokenById(id)) as OAuthToken).with({ expiresAt: Date.now() - 1 });
  await store.saveToken(expired);
  const locked = await Initializer.initialize({ environment, store, token: { id }, logger: structured.logger, fetch: recordingFetch, refresh: { lockWaitMs: 30, lockPollMs: 5 } });
  const key = `tokenstore:refresh:${tokenKey(locked.token)}`;
  await store.lock?.acquire(key, 'someone-else', 10_000);
  await capture(() => locked.getAccessToken());
  await store.lock?.release(key, 'someone-else');

  // The save fails -> TokenPersistError, then lands later.
  store.failSaves = 3;
  await capture(() => locked.getAccessToken());
  await locked.close();

  // A wrong client secret.
  const wrong = await Initializer.initialize({
    environment,
    store: new MemoryStore(),
    token: { clientId: server.client.clientId, clientSecret: 'definitely-wrong-secret', refreshToken: 'made-up-refresh-token' },
    logger: structured.logger,
    fetch: recordingFetch,
  });
  secrets.add('definitely-wrong-secret');
  secrets.add('made-up-refresh-token');
  await capture(() => wrong.getAccessToken());

  // invalid_grant after the grant was revoked, then revoke().
  const current = (await store.findTokenById(id)) as OAuthToken;
  await rawRevoke(server, current.refreshToken as string, 'refresh_token');
  await store.saveToken(current.with({ expiresAt: Date.now() - 1 }));
  const revokedUser = await Initializer.initialize({ environment, store, token: { id }, logger: structured.logger, fetch: recordingFetch });
  await capture(() => revokedUser.getAccessToken());
  await capture(() => revokedUser.fetch('/api/me'));
  await sdk.revoke();
  await capture(() => sdk.getAccessToken());

  for (const t of await store.getTokens()) for (const v of [t.accessToken, t.refreshToken, t.grantToken, t.clientSecret]) if (v) secrets.add(v);
  expect(errors.map((e) => (e as { code: string }).code).sort()).toEqual(
    ['INVALID_CLIENT', 'REAUTHORIZATION_REQUIRED', 'REAUTHORIZATION_REQUIRED', 'REAUTHORIZATION_REQUIRED', 'REFRESH_LOCK_TIMEOUT', 'TOKEN_PERSIST_FAILED'].sort(),
  );
  expect(secrets.size).toBeGreaterThan(8);
  expect(output.some((line) => line.includes('debug') || line.length > 0)).toBe(true);
  expect(output.length).toBeGreaterThan(5);

  const everything = [
    ...output,
    ...structured.lines,
    ...errors.flatMap((e) => [String(e), (e as Error).message, String((e as Error).stack), inspect(e, { depth: 10, showHidden: true }), JSON.stringify(e)]),
    ...events.map((e) => inspect(e, { depth: 10 })),
    ...events.map((e) => JSON.stringify(e)),
    inspect(sdk, { depth: 10, showHidden: true }),
    JSON.stringify(sdk),
    inspect(sdk.token, { depth: 10 }),
    JSON.stringify(current),
    inspect(current),
    String(current),
    inspect(mirror),
    inspect(byId.token),
  ].join('\n');
  for (const secret of secrets) {
    // In every encoding the engine sends or a server could echo back (form, percent, JSON, base64).
    for (const variant of secretVariants(secret)) expect(everything.includes(variant), `a secret leaked (${secret.length} chars)`).toBe(false);
  }
  for (const basic of basicCredentials(server.client.clientId, server.client.clientSecret)) expect(everything.includes(basic)).toBe(false);
});
