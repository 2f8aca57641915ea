import { createHash } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { EncryptedStore, Initializer, OAuthToken, customEnvironment, encryptedStore, keyStatus, type EncryptionKey } from '@tokenstore/core';
import { startOAuthServer } from '@tokenstore/oauth-test-server';
import { encryptionAtRestTests, expectNoSecretAtRest, runFileStoreConformance, startChild, testEncryptionKey } from '@tokenstore/store-testkit';
import { describe, expect, it } from 'vitest';
import { SQLITE_STORE, tempDir } from './helpers.js';

const keys = [testEncryptionKey('conformance')];

// The whole contract, with every secret encrypted on its way to SQLite.
runFileStoreConformance('SQLiteStore under encryptedStore', { ...SQLITE_STORE, open: (filename) => encryptedStore(SQLITE_STORE.open(filename), { keys }) });

encryptionAtRestTests({
  name: 'SQLiteStore',
  async open() {
    const { dir, cleanup } = tempDir();
    const filename = join(dir, 'tokens.db');
    const store = SQLITE_STORE.open(filename);
    // The database file and its WAL (recent writes live there until a checkpoint), as bytes.
    const dump = async () => Buffer.concat([filename, `${filename}-wal`].filter((file) => existsSync(file)).map((file) => readFileSync(file)));
    return { store, dump, cleanup: async () => cleanup() };
  },
});

const WORKER = fileURLToPath(new URL('./encryption-worker.mjs', import.meta.url));
const keyList = (ring: EncryptionKey[]) => ring.map((k) => `${k.id}:${k.key as string}`).join(',');
const sha256 = (value: string | undefined) => createHash('sha256').update(value ?? '').digest('hex');

describe('SQLiteStore under encryptedStore: key rotation while another process refreshes', () => {
  it('two processes on one file, one rotating k1 -> k2, one refreshing (rotating refresh tokens): nothing lost, all under k2', async () => {
    const server = await startOAuthServer({ rotateRefreshTokens: true, accessTokenTtlSeconds: 3600 });
    const { dir, cleanup } = tempDir();
    const filename = join(dir, 'tokens.db');
    const [k1, k2] = [testEncryptionKey('k1'), testEncryptionKey('k2')];
    const environment = customEnvironment({ name: 'oidc-provider', tokenEndpoint: server.tokenEndpoint, revocationEndpoint: server.revocationEndpoint, apiUrl: server.issuer });
    const users = Array.from({ length: 8 }, (_, i) => `user-${i}`);
    try {
      const v1 = encryptedStore(SQLITE_STORE.open(filename), { keys: [k1] });
      for (const user of users) {
        const code = await server.authorize({ user });
        const token = { userSignature: { name: user }, clientId: server.client.clientId, clientSecret: server.client.clientSecret, redirectUrl: server.client.redirectUri, grantToken: code };
        const sdk = await Initializer.initialize({ environment, store: v1, token });
        await sdk.getAccessToken();
        await sdk.close();
      }
      await v1.close();

      // The new ring is deployed to the app first (k2 current, k1 kept), then the rotation runs.
      const ring = keyList([k2, k1]);
      const [progressFile, stopFile] = [join(dir, 'progress'), join(dir, 'stop')];
      const endpoints = JSON.stringify({ issuer: server.issuer, tokenEndpoint: server.tokenEndpoint, revocationEndpoint: server.revocationEndpoint });
      const refresher = startChild(WORKER, ['refresh', filename, ring, endpoints, progressFile, stopFile], 'refresher');
      await refresher.waitFor((line) => line === 'ready');
      const rotator = startChild(WORKER, ['rotate', filename, ring, progressFile], 'rotator');
      const rotatorExit = await rotator.exited;
      writeFileSync(stopFile, '');
      const refresherExit = await refresher.exited;
      expect(rotatorExit.code, rotator.stderr()).toBe(0);
      expect(refresherExit.code, refresher.stderr()).toBe(0);
      const { rotated } = JSON.parse(rotator.lines.at(-1) as string);
      const { refreshes, latest } = JSON.parse(refresher.lines.at(-1) as string);
      expect(rotated.failed).toEqual([]);
      expect(rotated.total).toBe(users.length);
      // Both really ran at once: each refresh raced the rotation on the record it was taking.
      expect(rotated.reencrypted).toBeGreaterThan(0);
      expect(refreshes).toBe(users.length - 1);

      const onlyK2 = new EncryptedStore(SQLITE_STORE.open(filename), { keys: [k2], acceptPlaintext: false });
      try {
        expect(await keyStatus(onlyK2)).toMatchObject({ total: users.length, notCurrent: 0, byKey: { k2: users.length } });
        const secrets: string[] = [];
        for (const user of users) {
          const stored = await onlyK2.findToken(new OAuthToken({ userSignature: { name: user } }));
          // The stored refresh token is the one the refreshing process ended with: no rotated token was overwritten.
          expect(sha256(stored?.refreshToken), user).toBe(latest[user]);
          secrets.push(stored?.refreshToken as string, stored?.accessToken as string, stored?.clientSecret as string);
          // And the server agrees: refreshing with it works (a lost rotation would be a reused, revoked token).
          const sdk = await Initializer.initialize({ environment, store: onlyK2, now: () => Date.now() + 1000 * 3600_000, token: { userSignature: { name: user } } });
          await expect(sdk.getAccessToken()).resolves.toEqual(expect.any(String));
          await sdk.close();
        }
        const files = [filename, `${filename}-wal`].filter((file) => existsSync(file));
        expectNoSecretAtRest(Buffer.concat(files.map((file) => readFileSync(file))), secrets);
      } finally {
        await onlyK2.close();
      }
    } finally {
      await server.close();
      cleanup();
    }
  }, 60_000);
});
