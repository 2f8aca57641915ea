/**
 * The demo's second process: another program on the same machine (a worker, a cron job, a restarted
 * server). It has no authorization code and never logs in: it opens the same SQLite file and asks
 * for the user's token by user signature.
 */
import { Initializer, encryptedStore, keysFromEnv } from '@tokenstore/core';
import { SQLiteStore } from '@tokenstore/store-sqlite';
import { DB_FILE, USER, dim, displayPath, localEnvironment, recordSecrets, say, show, showJson, type ServerEndpoints } from './shared.js';

const P = dim('  process 2 | ');
const endpoints = JSON.parse(process.env.TOKENSTORE_DEMO_SERVER ?? 'null') as ServerEndpoints | null;
if (!endpoints) {
  console.error('second-process.ts is started by demo.ts (it needs TOKENSTORE_DEMO_SERVER)');
  process.exit(2);
}

say(P, `pid ${process.pid}: opening ${displayPath(DB_FILE)} and looking up the token of ${USER}`);
// The same key ring as process 1 (TOKENSTORE_KEYS, inherited): without it the secrets are unreadable.
const store = encryptedStore(new SQLiteStore({ filename: DB_FILE }), { keys: keysFromEnv() });
try {
  // Only the user signature: no client secret, no code, no refresh token in this program's config.
  const session = await Initializer.initialize({ environment: localEnvironment(endpoints), store, token: { userSignature: { name: USER } } });
  const found = session.token;
  recordSecrets(found.accessToken, found.refreshToken, found.clientSecret, found.grantToken);
  say(P, `found it (no login, no authorization code):`);
  say(P, `  ${show(found).replaceAll('\n', '\n  ')}`);
  const response = await session.fetch('/api/me');
  say(P, `GET /api/me -> ${response.status} ${showJson(await response.json())}`);
  await session.close();
  if (response.status !== 200) process.exitCode = 1;
} finally {
  await store.close();
}
