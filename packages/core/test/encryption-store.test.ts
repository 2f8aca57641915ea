import { describe, expect, it } from 'vitest';
import { EncryptedStore, FORMAT_PREFIX, Initializer, MemoryStore, OAuthToken, customEnvironment, encryptedStore, type TokenStore } from '../src/index.js';
import { DirectStore, fullToken, newKey, secretsOf } from './helpers/encryption.js';

const k1 = newKey('k1');
const k2 = newKey('k2');

function encodings(secret: string): string[] {
  const bytes = Buffer.from(secret, 'utf8');
  return [secret, bytes.toString('base64'), bytes.toString('base64').replace(/=+$/, ''), bytes.toString('base64url'), bytes.toString('hex'), bytes.toString('hex').toUpperCase()];
}

function expectNoSecretIn(dump: string, secrets: readonly string[]): void {
  for (const secret of secrets) for (const form of encodings(secret)) expect(dump).not.toContain(form);
}

const refreshProbe = (token: OAuthToken) => new OAuthToken({ clientId: token.clientId as string, refreshToken: token.refreshToken as string });

describe('EncryptedStore over a store that implements TokenStore directly', () => {
  it('round-trips every field exactly, and the backing storage holds none of the secrets in any encoding', async () => {
    const inner = new DirectStore();
    const store = encryptedStore(inner, { keys: [k1] });
    const odd = fullToken('ünïcødé 用户').with({ refreshToken: `'"\\%_ ${'x'.repeat(8192)} 🔑`, clientSecret: null, grantToken: '' });
    const tokens = [fullToken('alice'), odd];
    for (const token of tokens) {
      const saved = await store.saveToken(token);
      expect(saved.toRecord()).toEqual({ ...token.toRecord(), id: saved.id });
      expect((await store.findTokenById(saved.id as string))?.toRecord()).toEqual(saved.toRecord());
    }
    const dump = inner.dump();
    expectNoSecretIn(dump, tokens.flatMap(secretsOf));
    for (const record of inner.records.values()) {
      for (const field of ['clientSecret', 'refreshToken', 'accessToken'] as const) expect(record[field]?.startsWith(`${FORMAT_PREFIX}k1:`)).toBe(true);
      // Not secrets, kept as they are: ids and user names stay one indexed lookup.
      expect(record.userName).not.toContain(FORMAT_PREFIX);
    }
  });

  it('finds records by grant, refresh and access token in one inner lookup, and never sends a plaintext secret', async () => {
    const inner = new DirectStore();
    const store = new EncryptedStore(inner, { keys: [k1], acceptPlaintext: false });
    const alice = await store.saveToken(fullToken('alice'));
    await store.saveToken(fullToken('bob'));
    const probes = [
      new OAuthToken({ clientId: 'client-1', grantToken: alice.grantToken as string }),
      refreshProbe(alice),
      new OAuthToken({ accessToken: alice.accessToken as string }),
      new OAuthToken({ userSignature: { name: 'alice' } }),
      new OAuthToken({ id: alice.id as string }),
    ];
    const seen: string[] = [];
    const original = inner.findToken.bind(inner);
    inner.findToken = async (probe) => {
      seen.push(JSON.stringify(probe.toRecord()));
      return original(probe);
    };
    for (const probe of probes) {
      inner.resetCalls();
      expect((await store.findToken(probe))?.id).toBe(alice.id);
      expect(inner.calls.findToken).toBe(1);
    }
    expectNoSecretIn(seen.join('\n'), secretsOf(alice));
    expect(await store.findToken(refreshProbe(fullToken('nobody')))).toBeNull();
  });

  it('equal secrets in one field encrypt alike (that is what lookups use); the same value in two fields does not', async () => {
    const inner = new DirectStore();
    const store = new EncryptedStore(inner, { keys: [k1] });
    const a = await store.saveToken(fullToken('a').with({ accessToken: 'same', refreshToken: 'same' }));
    const b = await store.saveToken(fullToken('b').with({ accessToken: 'same' }));
    const [ra, rb] = [inner.records.get(a.id as string)!, inner.records.get(b.id as string)!];
    expect(ra.accessToken).toBe(rb.accessToken);
    expect(ra.refreshToken).not.toBe(ra.accessToken);
    // Both records match an access-token probe; the contract's tie-break (smallest id) still decides.
    expect((await store.findToken(new OAuthToken({ accessToken: 'same' })))?.id).toBe([a.id, b.id].sort()[0]);
  });

  it('reads records written before encryption, finds them by their secrets, and encrypts them on their next save (same id, no duplicate)', async () => {
    const inner = new DirectStore();
    const legacy = await inner.saveToken(fullToken('alice'));
    const store = new EncryptedStore(inner, { keys: [k1] });
    expect((await store.findToken(refreshProbe(legacy)))?.toRecord()).toEqual(legacy.toRecord());
    const rotated = legacy.with({ id: null, userSignature: null, accessToken: 'new-access' });
    const saved = await store.saveToken(rotated);
    expect(saved.id).toBe(legacy.id);
    expect(saved.userSignature?.name).toBe('alice');
    expect(inner.records.size).toBe(1);
    expectNoSecretIn(inner.dump(), [...secretsOf(legacy), 'new-access']);
    expect((await store.findTokenById(legacy.id as string))?.accessToken).toBe('new-access');
  });

  it('finds a record under an older key of the ring and re-encrypts it to the current key on save', async () => {
    const inner = new DirectStore();
    const old = await new EncryptedStore(inner, { keys: [k1] }).saveToken(fullToken('alice'));
    const store = new EncryptedStore(inner, { keys: [k2, k1] });
    const found = await store.findToken(refreshProbe(old));
    expect(found?.toRecord()).toEqual(old.toRecord());
    await store.saveToken(found!.with({ scope: 'more' }));
    const record = inner.records.get(old.id as string)!;
    for (const field of ['clientSecret', 'grantToken', 'refreshToken', 'accessToken'] as const) expect(record[field]?.startsWith(`${FORMAT_PREFIX}k2:`)).toBe(true);
    expect(inner.records.size).toBe(1);
  });

  it('rejects an invalid token with INVALID_ARGUMENT before anything is written', async () => {
    const inner = new DirectStore();
    const store = new EncryptedStore(inner, { keys: [k1] });
    const bad = { toRecord: () => ({ ...fullToken('alice').toRecord(), refreshToken: 'x\uD800y' }) } as unknown as OAuthToken;
    await expect(store.saveToken(bad)).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
    await expect(store.saveToken({} as OAuthToken)).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
    expect(inner.calls.saveToken).toBe(0);
    expect(inner.records.size).toBe(0);
  });

  it("a save for alice carrying bob's id updates alice's own record, sealed for it, and leaves bob's alone", async () => {
    const inner = new DirectStore();
    const store = new EncryptedStore(inner, { keys: [k1] });
    const alice = await store.saveToken(fullToken('alice'));
    const bob = await store.saveToken(fullToken('bob'));
    const saved = await store.saveToken(fullToken('alice', 'again').with({ id: bob.id as string }));
    expect(saved.id).toBe(alice.id);
    expect((await store.findTokenById(alice.id as string))?.accessToken).toBe(fullToken('alice', 'again').accessToken);
    expect((await store.findTokenById(bob.id as string))?.toRecord()).toEqual(bob.toRecord());
  });

  it('concurrent saves of one new user token leave one readable record', async () => {
    const store = new EncryptedStore(new MemoryStore(), { keys: [k1] });
    const saves = await Promise.all(Array.from({ length: 8 }, (_, i) => store.saveToken(fullToken('dave', `v${i}`))));
    expect(new Set(saves.map((s) => s.id)).size).toBe(1);
    const all = await store.getTokens();
    expect(all).toHaveLength(1);
    expect(saves.map((s) => s.accessToken)).toContain(all[0]!.accessToken);
  });

  it('two users saving at once over one unbound record: one adopts it, the other gets its own (the chosen id taken meanwhile is re-resolved)', async () => {
    for (let round = 0; round < 5; round++) {
      const store = new EncryptedStore(new MemoryStore(), { keys: [k1] });
      const unbound = await store.saveToken(new OAuthToken({ clientId: 'client-1', refreshToken: 'shared-refresh', accessToken: 'unbound-access' }));
      const saves = await Promise.all(['ann', 'ben'].map((user) => store.saveToken(new OAuthToken({ userSignature: { name: user }, clientId: 'client-1', refreshToken: 'shared-refresh', accessToken: `access-${user}` }))));
      expect(saves.filter((s) => s.id === unbound.id)).toHaveLength(1);
      expect(new Set(saves.map((s) => s.id)).size).toBe(2);
      for (const saved of saves) expect((await store.findTokenById(saved.id as string))?.toRecord()).toEqual(saved.toRecord());
    }
  });

  it("keeps the engine's hot path at 0 store calls: a valid access token is served from memory", async () => {
    const inner = new DirectStore();
    const store = new EncryptedStore(inner, { keys: [k1] });
    await store.saveToken(fullToken('erin').with({ expiresAt: Date.now() + 3_600_000 }));
    const environment = customEnvironment({ tokenEndpoint: 'https://auth.invalid/token', apiUrl: 'https://api.invalid' });
    const sdk = await Initializer.initialize({ environment, store, token: { userSignature: { name: 'erin' } } });
    inner.resetCalls();
    for (let i = 0; i < 1000; i++) expect(await sdk.getAccessToken()).toBe(fullToken('erin').accessToken);
    expect(inner.calls).toEqual({ findToken: 0, findTokenById: 0, saveToken: 0, getTokens: 0 });
    await sdk.close();
  });

  it('passes lock and close through to the inner store', async () => {
    const inner = new DirectStore();
    const store: TokenStore = new EncryptedStore(inner, { keys: [k1] });
    expect(store.lock).toBe(inner.lock);
    await store.close?.();
    await expect(store.getTokens()).resolves.toEqual([]);
    await expect(store.findTokenById('x')).rejects.toMatchObject({ code: 'STORE_CLOSED' });
  });
});
