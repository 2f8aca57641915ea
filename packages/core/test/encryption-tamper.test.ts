import { inspect } from 'node:util';
import { describe, expect, it } from 'vitest';
import { EncryptedStore } from '../src/index.js';
import { type TokenRecord, OAuthToken } from '../src/store-kit.js';
import { DirectStore, fullToken, newKey, secretsOf } from './helpers/encryption.js';

const k1 = newKey('k1');

async function setup() {
  const inner = new DirectStore();
  const store = new EncryptedStore(inner, { keys: [k1] });
  const alice = await store.saveToken(fullToken('alice'));
  const bob = await store.saveToken(fullToken('bob'));
  const raw = (token: OAuthToken) => inner.records.get(token.id as string) as TokenRecord;
  return { inner, store, alice, bob, raw, secrets: [...secretsOf(alice), ...secretsOf(bob)] };
}

/** Flips one bit in the middle of the base64url payload of a stored value. */
function flip(value: string): string {
  const at = value.length - 10;
  const c = value[at] === 'A' ? 'B' : 'A';
  return `${value.slice(0, at)}${c}${value.slice(at + 1)}`;
}

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected a rejection');
}

/** Every read path of `token`: by id, by user, by its refresh token, and the full listing. */
async function everyRead(store: EncryptedStore, token: OAuthToken, code: string, secrets: string[]): Promise<void> {
  const probes = [
    store.findTokenById(token.id as string),
    store.findToken(new OAuthToken({ userSignature: { name: token.userSignature?.name as string } })),
    store.getTokens(),
  ];
  for (const probe of probes) {
    const error = await rejection(probe);
    expect(error).toMatchObject({ code });
    const printed = [inspect(error, { depth: 20, showHidden: true }), String(error), JSON.stringify(error)].join('\n');
    for (const secret of secrets) expect(printed).not.toContain(secret);
  }
}

describe('EncryptedStore: tampering gives a coded error, never a wrong token', () => {
  const fields = ['clientSecret', 'grantToken', 'refreshToken', 'accessToken'] as const;

  for (const field of fields) {
    it(`a flipped byte in ${field}: DECRYPTION_FAILED`, async () => {
      const { store, alice, raw, secrets } = await setup();
      const record = raw(alice);
      record[field] = flip(record[field] as string);
      await everyRead(store, alice, 'DECRYPTION_FAILED', secrets);
    });
  }

  it('a ciphertext moved into another field: DECRYPTION_FAILED', async () => {
    const { store, alice, raw, secrets } = await setup();
    const record = raw(alice);
    record.accessToken = record.refreshToken;
    await everyRead(store, alice, 'DECRYPTION_FAILED', secrets);
  });

  it("one field's ciphertext swapped between two records: DECRYPTION_FAILED for both", async () => {
    const { store, alice, bob, raw, secrets } = await setup();
    const [a, b] = [raw(alice), raw(bob)];
    [a.accessToken, b.accessToken] = [b.accessToken, a.accessToken];
    await everyRead(store, alice, 'DECRYPTION_FAILED', secrets);
    await expect(store.findTokenById(bob.id as string)).rejects.toMatchObject({ code: 'DECRYPTION_FAILED' });
  });

  it("all secrets and the seal swapped between two records (alice would get bob's tokens): DECRYPTION_FAILED", async () => {
    const { store, alice, bob, raw, secrets } = await setup();
    const [a, b] = [raw(alice), raw(bob)];
    for (const field of fields) [a[field], b[field]] = [b[field], a[field]];
    await everyRead(store, alice, 'DECRYPTION_FAILED', secrets);
  });

  it('a changed non-secret field (apiDomain, where the access token is sent): DECRYPTION_FAILED', async () => {
    const { store, alice, raw, secrets } = await setup();
    raw(alice).apiDomain = 'https://attacker.example';
    await everyRead(store, alice, 'DECRYPTION_FAILED', secrets);
  });

  it('the seal removed (client secret cleared, other secrets still encrypted): DECRYPTION_FAILED', async () => {
    const { store, alice, raw, secrets } = await setup();
    raw(alice).clientSecret = null;
    await everyRead(store, alice, 'DECRYPTION_FAILED', secrets);
  });

  it('a lookup by the secret of a tampered record rejects instead of answering', async () => {
    const { store, alice, raw } = await setup();
    raw(alice).scope = 'admin';
    await expect(store.findToken(new OAuthToken({ clientId: 'client-1', refreshToken: alice.refreshToken as string }))).rejects.toMatchObject({ code: 'DECRYPTION_FAILED' });
  });

  it('a record read (and remembered as verified) then tampered with is verified afresh: DECRYPTION_FAILED', async () => {
    const { store, alice, raw, secrets } = await setup();
    const first = await store.findTokenById(alice.id as string);
    // Unchanged stored form: the verified answer is reused (the same immutable token).
    expect(await store.findTokenById(alice.id as string)).toBe(first);
    raw(alice).expiresAt = (raw(alice).expiresAt as number) + 1;
    await everyRead(store, alice, 'DECRYPTION_FAILED', secrets);
  });

  it('readCacheSize 0 verifies every read; a bad size is INVALID_ARGUMENT', async () => {
    const inner = new DirectStore();
    const store = new EncryptedStore(inner, { keys: [k1], readCacheSize: 0 });
    const saved = await store.saveToken(fullToken('alice'));
    expect(await store.findTokenById(saved.id as string)).not.toBe(await store.findTokenById(saved.id as string));
    expect(() => new EncryptedStore(inner, { keys: [k1], readCacheSize: -1 })).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }));
  });

  it('a wrong key under the same id: DECRYPTION_FAILED', async () => {
    const { inner, alice, secrets } = await setup();
    const impostor = new EncryptedStore(inner, { keys: [{ id: 'k1', key: newKey('k1').key }] });
    await everyRead(impostor, alice, 'DECRYPTION_FAILED', secrets);
  });

  it('a key id the ring does not have: UNKNOWN_KEY', async () => {
    const { inner, alice, secrets } = await setup();
    const otherRing = new EncryptedStore(inner, { keys: [newKey('k2')] });
    await everyRead(otherRing, alice, 'UNKNOWN_KEY', secrets);
  });

  it('plaintext secrets when plaintext is refused: PLAINTEXT_REJECTED', async () => {
    const inner = new DirectStore();
    const legacy = await inner.saveToken(fullToken('carol'));
    const strict = new EncryptedStore(inner, { keys: [k1], acceptPlaintext: false });
    await everyRead(strict, legacy, 'PLAINTEXT_REJECTED', secretsOf(legacy));
  });
});
