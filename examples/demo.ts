/**
 * `pnpm demo`: the SDK end to end, offline, in a few seconds.
 *
 * A real OAuth 2.0 authorization server (oidc-provider, with refresh-token rotation and reuse
 * detection) and a protected API run on 127.0.0.1 in this process. The SDK exchanges an
 * authorization code, saves the token in a SQLite file (its secrets encrypted at rest), calls the
 * API, lets the access token expire, refreshes it automatically, and a second process reuses the
 * stored token without logging in. Every token is printed through util.inspect: the SDK redacts its
 * secrets.
 */
import { spawn } from 'node:child_process';
import { mkdirSync, rmSync } from 'node:fs';
import { Initializer, consoleLogger, encryptedStore, keysFromEnv, type OAuthToken } from '@tokenstore/core';
import { startOAuthServer, type OAuthTestServer } from '@tokenstore/oauth-test-server';
import { SQLiteStore } from '@tokenstore/store-sqlite';
import { DB_FILE, DEMO_DIR, HERE, USER, bold, clock, demoKeys, dim, displayPath, green, localEnvironment, recordSecrets, say, show, showJson, storedForm } from './shared.js';

const ACCESS_TOKEN_TTL_SECONDS = 3;
const STEPS = 7;
const started = Date.now();
const I = '      ';
let step = 0;

function heading(text: string): void {
  step += 1;
  console.log(`\n${bold(`[${step}/${STEPS}]`)} ${text}`);
}

function check(condition: boolean, message: string): void {
  if (!condition) throw new Error(`demo check failed: ${message}`);
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function main(): Promise<void> {
  console.log(bold('tokenstore demo: OAuth 2.0 tokens persisted in SQLite, refreshed automatically, shared between processes'));

  heading('Start a local OAuth 2.0 authorization server and a protected API');
  const server = await startOAuthServer({ accessTokenTtlSeconds: ACCESS_TOKEN_TTL_SECONDS, rotateRefreshTokens: true });
  recordSecrets(server.client.clientSecret);
  try {
    await run(server);
  } finally {
    await server.close();
  }
}

async function run(server: OAuthTestServer): Promise<void> {
  say(I, `oidc-provider at ${server.issuer}, API at ${server.apiUrl}`);
  say(I, `access tokens live ${ACCESS_TOKEN_TTL_SECONDS} s; every refresh rotates the refresh token, and reusing an old one revokes the grant`);
  say(I, `client ${server.client.clientId}, redirect URI ${server.client.redirectUri}`);

  heading('Open the token store');
  mkdirSync(DEMO_DIR, { recursive: true, mode: 0o700 });
  for (const suffix of ['', '-wal', '-shm', '-journal']) rmSync(`${DB_FILE}${suffix}`, { force: true });
  const keySource = demoKeys();
  const store = encryptedStore(new SQLiteStore({ filename: DB_FILE }), { keys: keysFromEnv() });
  say(I, `encryptedStore(new SQLiteStore({ filename: '${displayPath(DB_FILE)}' }), { keys: keysFromEnv() })  ${dim('(a fresh file: removed at the start of every run)')}`);
  say(I, `secrets are encrypted at rest with the key ring in TOKENSTORE_KEYS (current key "${(await store.keyRing()).current.id}", ${keySource})`);

  try {
    heading(`${USER} signs in; the SDK exchanges the authorization code and saves the token`);
    const code = await server.authorize({ user: USER });
    recordSecrets(code);
    say(I, `authorization code received at the redirect URI ${dim('(login and consent pages driven headlessly)')}`);
    const session = await Initializer.initialize({
      environment: localEnvironment(server),
      store,
      token: {
        userSignature: { name: USER },
        clientId: server.client.clientId,
        clientSecret: server.client.clientSecret,
        redirectUrl: server.client.redirectUri,
        grantToken: code,
      },
      logger: consoleLogger({ level: 'info', prefix: `${I}${dim('sdk log:')}` }),
      hooks: {
        tokenRefreshed: (event) =>
          say(I, `${dim('event:')} tokenRefreshed reason=${event.reason} rotated=${event.rotated} expiresAt=${clock(event.expiresAt)}`),
      },
    });
    await session.getAccessToken();
    const first = (await store.findTokenById(session.token.id as string)) as OAuthToken;
    recordSecrets(first.accessToken, first.refreshToken);
    check(server.counts.authorizationCode === 1, 'one code exchange');
    say(I, 'saved in SQLite (util.inspect of the stored token; the SDK redacts secrets everywhere):');
    say(`${I}  `, show(first));
    // The row as SQLite holds it: read through the plain SQLiteStore, without the key ring.
    const raw = (await store.inner.findTokenById(first.id as string)) as OAuthToken;
    say(I, `what a copy of the file shows (no key): refreshToken ${storedForm(raw.refreshToken)}, accessToken ${storedForm(raw.accessToken)}`);

    heading('Call the API with the stored token');
    const me = await session.fetch('/api/me');
    say(I, `GET /api/me -> ${me.status} ${showJson(await me.json())}`);
    check(me.status === 200, 'the API accepts the access token');

    heading('Let the access token expire');
    const waitMs = (first.expiresAt as number) - Date.now() + 100;
    say(I, `expires at ${clock(first.expiresAt)}; waiting ${(Math.max(waitMs, 0) / 1000).toFixed(1)} s ...`);
    if (waitMs > 0) await sleep(waitMs);
    const old = await fetch(server.apiUrl, { headers: { authorization: `Bearer ${first.accessToken}` } });
    await old.body?.cancel();
    say(I, `${clock(Date.now())}: the API now rejects the old access token -> ${old.status}`);
    check(old.status === 401, 'the expired token is rejected');

    heading('Call the API again: the SDK refreshes the token by itself');
    const refreshesBefore = server.counts.refresh;
    const again = await session.fetch('/api/me');
    say(I, `GET /api/me -> ${again.status} ${showJson(await again.json())}`);
    check(again.status === 200, 'the API accepts the refreshed token');
    check(server.counts.refresh === refreshesBefore + 1, 'exactly one refresh');
    const second = (await store.findTokenById(session.token.id as string)) as OAuthToken;
    recordSecrets(second.accessToken, second.refreshToken);
    check(second.accessToken !== first.accessToken && second.refreshToken !== first.refreshToken, 'new access and refresh tokens were saved');
    say(I, `the provider saw ${server.counts.refresh - refreshesBefore} refresh request; the rotated refresh token is saved (same record id):`);
    say(`${I}  `, show(second));
    await session.close();

    heading('A second process reuses the stored token without logging in');
    const before = { ...server.counts };
    const exitCode = await secondProcess(server);
    check(exitCode === 0, `the second process exited with ${exitCode}`);
    const codes = server.counts.authorizationCode - before.authorizationCode;
    const tokenRequests = server.counts.token - before.token;
    say(I, `provider, during process 2: ${codes} authorization codes exchanged, ${tokenRequests} token requests, ${server.counts.api - before.api} API call`);
    check(codes === 0, 'the second process did not log in');
  } finally {
    await store.close();
  }
  console.log(`\n${green('Done')} in ${((Date.now() - started) / 1000).toFixed(1)} s. The token database stays in ${displayPath(DB_FILE)} until the next run.`);
}

/** Runs second-process.ts as a separate node process (same tsx loader), sharing stdout. */
function secondProcess(server: OAuthTestServer): Promise<number | null> {
  const loader = import.meta.resolve('tsx');
  const child = spawn(process.execPath, ['--import', loader, 'second-process.ts'], {
    cwd: HERE,
    stdio: ['ignore', 'inherit', 'inherit'],
    env: {
      ...process.env,
      TOKENSTORE_DEMO_SERVER: JSON.stringify({ issuer: server.issuer, tokenEndpoint: server.tokenEndpoint, revocationEndpoint: server.revocationEndpoint }),
    },
  });
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('close', (code) => resolve(code));
  });
}

const watchdog = setTimeout(() => {
  console.error('demo: still running after 60 s, giving up');
  process.exit(1);
}, 60_000);
watchdog.unref();

main().catch((error: unknown) => {
  console.error(`\ndemo failed: ${error instanceof Error ? error.message : String(error)}`);
  if (error instanceof Error && error.cause) console.error('cause:', error.cause);
  process.exitCode = 1;
});
