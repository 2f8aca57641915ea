// A second process on one SQLite file, for the encryption tests (plain node, built dist):
//   node encryption-worker.mjs rotate  <db> <keys> <progress-file>
//       rotateKeys over the file, appending each progress (`done`) to <progress-file>. Its store
//       writes 50 ms after being asked (a slow disk), which widens the gap between the rotation's
//       re-read of a record and its write: without the refresh lease, a refresh landing in that gap
//       would be overwritten by the re-encrypted old record.
//   node encryption-worker.mjs refresh <db> <keys> <endpoints-json> <progress-file> <stop-file>
//       the refresh engine (oidc-provider rotates refresh tokens): whenever the rotation reports
//       record i done, it refreshes the record the rotation takes next (i + 1 in listing order), so
//       each refresh races the rotation on one record. Until <stop-file> exists; then prints, per
//       user, the SHA-256 of the refresh token it ended with, and how many refreshes it made.
// <keys> is TOKENSTORE_KEYS-formatted (first key current).
import { createHash } from 'node:crypto';
import { appendFileSync, existsSync, readFileSync } from 'node:fs';
import { Initializer, KeyRing, customEnvironment, encryptedStore, rotateKeys } from '@tokenstore/core';
import { SQLiteStore } from '@tokenstore/store-sqlite';

const [mode, filename, keys, ...rest] = process.argv.slice(2);
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
const digest = (value) => createHash('sha256').update(value ?? '').digest('hex');
const sqlite = new SQLiteStore({ filename });
const store = encryptedStore(sqlite, { keys: KeyRing.from(keys) });

try {
  if (mode === 'rotate') {
    const [progressFile] = rest;
    const save = sqlite.saveToken.bind(sqlite);
    sqlite.saveToken = async (token) => {
      await sleep(50);
      return save(token);
    };
    const result = await rotateKeys(store, { pollMs: 2, onProgress: ({ done }) => appendFileSync(progressFile, `${done}\n`) });
    console.log(JSON.stringify({ rotated: result }));
  } else if (mode === 'refresh') {
    const [endpointsJson, progressFile, stopFile] = rest;
    const endpoints = JSON.parse(endpointsJson);
    const environment = customEnvironment({ name: 'oidc-provider', tokenEndpoint: endpoints.tokenEndpoint, revocationEndpoint: endpoints.revocationEndpoint, apiUrl: endpoints.issuer });
    let offset = 0;
    const now = () => Date.now() + offset;
    // The rotation lists records in this same order (nothing is inserted meanwhile).
    const users = (await sqlite.getTokens()).map((token) => token.userSignature.name);
    const sdks = [];
    for (const name of users) sdks.push(await Initializer.initialize({ environment, store, now, token: { userSignature: { name } } }));
    console.log('ready');
    let seen = 0;
    let refreshes = 0;
    for (;;) {
      const stop = existsSync(stopFile);
      const done = existsSync(progressFile) ? readFileSync(progressFile, 'utf8').split('\n').filter(Boolean).length : 0;
      while (seen < done) {
        seen++;
        // `seen` records are done: the rotation is now on record `seen`.
        const next = sdks[seen];
        if (!next) continue;
        offset += 2 * 3600_000; // expired again: this call refreshes
        await next.getAccessToken();
        refreshes++;
      }
      if (stop) break;
      await sleep(2);
    }
    console.log(JSON.stringify({ refreshes, latest: Object.fromEntries(users.map((name, i) => [name, digest(sdks[i].token.refreshToken)])) }));
    await Promise.all(sdks.map((sdk) => sdk.close()));
  } else {
    throw new Error(`unknown mode ${mode}`);
  }
} finally {
  await store.close();
}
