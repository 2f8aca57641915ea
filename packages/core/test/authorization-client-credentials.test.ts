/**
 * Client credentials (RFC 6749 4.4) against oidc-provider: machine-to-machine tokens without a refresh
 * token, requested again on expiry through the same engine as every other token (single-flight in a
 * process, the store's lease across processes, persisted). Expiry is simulated with an injected clock.
 */
import { beforeEach, describe, expect, it } from 'vitest';
import { Initializer, MemoryStore, createRefreshRegistry, isTokenStoreError, type Environment, type TokenStore } from '../src/index.js';
import { serveDuringTests, type OAuthTestServer } from './helpers/oauth.js';

const CLIENT = 'machine-client';
const SECRET = 'machine-client-secret';
const HOUR = 3600_000;

let server: OAuthTestServer;
let environment: Environment;
serveDuringTests({ clients: [{ clientId: CLIENT, clientSecret: SECRET, scope: 'api', clientCredentials: true }, { clientId: 'web-only', clientSecret: 'web-only-secret' }] }, (started) => {
  server = started.server;
  environment = started.environment;
});
beforeEach(() => server.resetCounts());

let offset = 0;
const now = () => Date.now() + offset;
beforeEach(() => {
  offset = 0;
});

function machine(store: TokenStore, registry = createRefreshRegistry()): Promise<Initializer> {
  return Initializer.initialize({ environment, store, registry, now, grantType: 'client_credentials', token: { userSignature: { name: 'billing-service' }, clientId: CLIENT, clientSecret: SECRET, scope: 'api' } });
}

/** Another TokenStore object over the same records and lock, as a second process would open it. */
function view(inner: MemoryStore): TokenStore {
  return {
    findToken: (t) => inner.findToken(t),
    findTokenById: (id) => inner.findTokenById(id),
    saveToken: (t) => inner.saveToken(t),
    deleteToken: (id) => inner.deleteToken(id),
    getTokens: () => inner.getTokens(),
    deleteTokens: () => inner.deleteTokens(),
    lock: inner.lock,
  };
}

describe('client credentials grant', () => {
  it('requests a token once for concurrent callers, saves it (no refresh token), and uses it at the API', async () => {
    const store = new MemoryStore();
    const sdk = await machine(store);
    const tokens = await Promise.all(Array.from({ length: 8 }, () => sdk.getAccessToken()));
    expect(new Set(tokens).size).toBe(1);
    expect(server.counts.token).toBe(1);
    const [record] = await store.getTokens();
    expect(record?.userSignature?.name).toBe('billing-service');
    expect(record?.accessToken).toBe(tokens[0]);
    expect(record?.refreshToken).toBeUndefined();
    expect(record?.scope).toBe('api');
    expect(server.counts.refresh).toBe(0);
  });

  it('requests a new token on expiry (and only then), across two processes sharing the store: one request per expiry', async () => {
    const shared = new MemoryStore();
    const processA = await machine(view(shared));
    const processB = await machine(view(shared));
    const seen: string[] = [];
    for (let round = 0; round < 3; round += 1) {
      offset = round * 2 * HOUR;
      const all = await Promise.all([...Array.from({ length: 4 }, () => processA.getAccessToken()), ...Array.from({ length: 4 }, () => processB.getAccessToken())]);
      expect(new Set(all).size, `round ${round}`).toBe(1);
      seen.push(all[0]!);
      expect(server.counts.token, `round ${round}`).toBe(round + 1);
    }
    expect(new Set(seen).size).toBe(3);
    expect(await shared.getTokens()).toHaveLength(1);
    // Within the lifetime nothing is requested.
    await Promise.all([processA.getAccessToken(), processB.getAccessToken()]);
    expect(server.counts.token).toBe(3);
  });

  it('a process started later adopts the stored token instead of requesting one', async () => {
    const shared = new MemoryStore();
    const first = await (await machine(view(shared))).getAccessToken();
    const later = await machine(view(shared));
    expect(await later.getAccessToken()).toBe(first);
    expect(server.counts.token).toBe(1);
  });

  it('a client not allowed the grant gets a coded error, never REAUTHORIZATION_REQUIRED, and nothing is saved', async () => {
    const store = new MemoryStore();
    const sdk = await Initializer.initialize({ environment, store, grantType: 'client_credentials', refresh: { retries: 0 }, token: { userSignature: { name: 'svc' }, clientId: 'web-only', clientSecret: 'web-only-secret' } });
    const error = await sdk.getAccessToken().then(() => undefined, (e: unknown) => e);
    expect(isTokenStoreError(error), String(error)).toBe(true);
    expect((error as { code: string }).code).not.toBe('REAUTHORIZATION_REQUIRED');
    expect(JSON.stringify({ m: (error as Error).message, s: (error as Error).stack })).not.toContain('web-only-secret');
    expect(await store.getTokens()).toEqual([]);
  });

  it('needs a client id and a user signature (the record it is kept under)', async () => {
    for (const token of [{ userSignature: { name: 'svc' } }, { clientId: CLIENT, clientSecret: SECRET }]) {
      const error = await Initializer.initialize({ environment, store: new MemoryStore(), grantType: 'client_credentials', token }).then(() => undefined, (e: unknown) => e);
      expect(isTokenStoreError(error, 'INVALID_ARGUMENT'), String(error)).toBe(true);
    }
  });
});
