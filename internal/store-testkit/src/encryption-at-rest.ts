import { randomBytes } from 'node:crypto';
import { EncryptedStore, FORMAT_PREFIX, keyStatus, OAuthToken, rotateKeys, type EncryptionKey, type TokenStore } from '@tokenstore/core';
import { describe, expect, it } from 'vitest';
import { expectNoSecretAtRest } from './secrets-at-rest.js';

/** A fresh key ring entry for tests (random each run: no test depends on a particular key). */
export function testEncryptionKey(id: string): EncryptionKey {
  return { id, key: randomBytes(32).toString('base64') };
}

export interface StoreUnderTest {
  /** The plain store (not wrapped): the test wraps it. */
  readonly store: TokenStore;
  /** Everything the store has put in its backing storage, read behind its back: rows, documents, file bytes. */
  dump(): Promise<string | Buffer>;
  /** Closes what `dump` opened and removes the storage. The test closes the store itself. */
  cleanup(): Promise<void>;
}

export interface EncryptionAtRestOptions {
  readonly name: string;
  /** A fresh, empty store and a way to read its raw storage. */
  open(): Promise<StoreUnderTest>;
}

const USERS = ['alice', 'bob ünï 用户', "o'hara \"%_\\"] as const;

function tokenFor(user: string, round: number): OAuthToken {
  const tag = `${user.length}-${round}-${randomBytes(6).toString('hex')}`;
  return new OAuthToken({
    userSignature: { name: user },
    clientId: 'client-at-rest',
    clientSecret: `client-secret-${tag}`,
    grantToken: `1000.grant-${tag}`,
    refreshToken: `1000.refresh-${tag}-🔑`,
    accessToken: `1000.access-${tag}-${'j'.repeat(600)}`,
    redirectUrl: 'https://app.example/callback',
    expiresAt: 1_900_000_000_000 + round,
    apiDomain: 'https://api.example',
    scope: 'read',
  });
}

const secretsOf = (token: OAuthToken) => [token.clientSecret, token.grantToken, token.refreshToken, token.accessToken] as string[];

/**
 * The store's raw storage, read behind its back, holds none of the secrets (plain, base64, base64url,
 * hex) while the tokens are saved, updated (a refresh), found by every secret, and rotated to a new
 * key; the data is really there (user names in clear, values in the encrypted format).
 */
export function encryptionAtRestTests(options: EncryptionAtRestOptions): void {
  describe(`${options.name} under encryptedStore: the backing storage`, () => {
    it('holds no secret in any encoding, before and after a key rotation, and everything reads back exactly', async () => {
      const { store, dump, cleanup } = await options.open();
      const k1 = testEncryptionKey('k1');
      const k2 = testEncryptionKey('k2');
      const written: string[] = [];
      try {
        const v1 = new EncryptedStore(store, { keys: [k1] });
        const saved = new Map<string, OAuthToken>();
        for (const user of USERS) {
          const first = await v1.saveToken(tokenFor(user, 0));
          written.push(...secretsOf(first));
          // A refresh: new access and refresh tokens saved over the record by id, as the engine does.
          const refreshed = await v1.saveToken(tokenFor(user, 1).with({ id: first.id as string }));
          expect(refreshed.id).toBe(first.id);
          written.push(...secretsOf(refreshed));
          saved.set(refreshed.id as string, refreshed);
        }
        for (const token of saved.values()) {
          const probes = [
            new OAuthToken({ clientId: 'client-at-rest', grantToken: token.grantToken as string }),
            new OAuthToken({ clientId: 'client-at-rest', refreshToken: token.refreshToken as string }),
            new OAuthToken({ accessToken: token.accessToken as string }),
          ];
          for (const probe of probes) expect((await v1.findToken(probe))?.toRecord()).toEqual(token.toRecord());
        }
        const before = await dump();
        expectNoSecretAtRest(before, written);
        // The scan looked at the real data: user names are kept in clear, secrets in the format.
        expect(before.includes('alice')).toBe(true);
        expect(before.includes(`${FORMAT_PREFIX}k1:`)).toBe(true);

        const v2 = new EncryptedStore(store, { keys: [k2, k1] });
        expect(await rotateKeys(v2)).toMatchObject({ total: USERS.length, reencrypted: USERS.length, failed: [] });
        expect(await keyStatus(v2)).toMatchObject({ notCurrent: 0, removableKeyIds: ['k1'] });
        const onlyK2 = new EncryptedStore(store, { keys: [k2], acceptPlaintext: false });
        const read = await onlyK2.getTokens();
        expect(new Map(read.map((t) => [t.id, t.toRecord()]))).toEqual(new Map([...saved].map(([id, t]) => [id, t.toRecord()])));
        const after = await dump();
        expectNoSecretAtRest(after, written);
        expect(after.includes(`${FORMAT_PREFIX}k2:`)).toBe(true);
      } finally {
        await store.close?.();
        await cleanup();
      }
    });
  });
}
