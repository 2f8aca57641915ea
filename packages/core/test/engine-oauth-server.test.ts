/**
 * The refresh engine against a REAL authorization server: oidc-provider 8 in process on 127.0.0.1,
 * confidential client, refresh tokens always issued, rotation on (unless said), revocation enabled.
 * Requests are counted at the provider.
 */
import { beforeEach, describe, expect, it } from 'vitest';
import {
  Initializer,
  MemoryStore,
  OAuthToken,
  ReauthorizationRequiredError,
  createRefreshRegistry,
  customEnvironment,
  isTokenStoreError,
  type Environment,
  type RefreshFailedEvent,
  type TokenRefreshedEvent,
  type TokenStore,
} from '../src/index.js';
import { slowSaves } from './helpers/lease-faults.js';
import { grantToken, rawRefresh, rawRevoke, serveDuringTests, startServer, type OAuthTestServer } from './helpers/oauth.js';

let server: OAuthTestServer;
let environment: Environment;

serveDuringTests({ accessTokenTtlSeconds: 2 }, (started) => ({ server, environment } = started));

beforeEach(() => {
  server.resetCounts();
});

/** Exchanges a fresh code and returns the store holding the resulting record, plus its id. `now`: the engine's reading of time. */
async function authorised(user = 'user-1', store: MemoryStore = new MemoryStore(), now?: () => number): Promise<{ store: MemoryStore; id: string; sdk: Initializer }> {
  const sdk = await Initializer.initialize({ environment, store, token: await grantToken(server, user), ...(now && { now }) });
  await sdk.getAccessToken();
  const id = sdk.token.id as string;
  return { store, id, sdk };
}

/** Marks the stored access token expired (the SDK's view; the server still accepts it). */
async function expireStored(store: TokenStore, id: string): Promise<OAuthToken> {
  const stored = (await store.findTokenById(id)) as OAuthToken;
  return store.saveToken(stored.with({ expiresAt: Date.now() - 1000 }));
}

describe('against oidc-provider', () => {
  it('exchanges an authorization code once, saves the token, and calls the API with it', async () => {
    const store = new MemoryStore();
    const refreshed: TokenRefreshedEvent[] = [];
    const sdk = await Initializer.initialize({ environment, store, token: await grantToken(server, 'alice'), hooks: { tokenRefreshed: (e) => void refreshed.push(e) } });

    const [a, b, c] = await Promise.all([sdk.getAccessToken(), sdk.getAccessToken(), sdk.getAccessToken()]);
    expect(a).toBeTypeOf('string');
    expect(b).toBe(a);
    expect(c).toBe(a);
    expect(server.counts.authorizationCode).toBe(1);
    expect(server.counts.token).toBe(1);

    const records = await store.getTokens();
    expect(records).toHaveLength(1);
    const record = records[0] as OAuthToken;
    expect(record.userSignature?.name).toBe('alice');
    expect(record.accessToken).toBe(a);
    expect(record.refreshToken).toBeTypeOf('string');
    expect(record.expiresAt).toBeGreaterThan(Date.now());
    expect(record.expiresAt).toBeLessThanOrEqual(Date.now() + 2000);
    expect(sdk.token.id).toBe(record.id);

    expect(refreshed).toHaveLength(1);
    expect(refreshed[0]).toMatchObject({ reason: 'grant', userName: 'alice', tokenId: record.id });

    const response = await sdk.fetch('/api/me');
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ sub: 'alice' });

    // A restarted process configured with the same (spent) code finds the record instead of re-exchanging.
    const again = await Initializer.initialize({ environment, store, token: { clientId: server.client.clientId, grantToken: record.grantToken } });
    expect(again.token.id).toBe(record.id);
    await again.getAccessToken();
    expect(server.counts.authorizationCode).toBe(1);
  });

  it('refreshes an expired access token and saves the rotated refresh token', async () => {
    // The engine's clock runs `ahead` of the real one: expiry is judged on it, so moving it on replaces
    // a real wait (the server does not look at the access token's age when it refreshes).
    let ahead = 0;
    const { store, id, sdk } = await authorised('bob', new MemoryStore(), () => Date.now() + ahead);
    const before = (await store.findTokenById(id)) as OAuthToken;
    server.resetCounts();

    // Expired: TTL 2 s, skew = min(60 s, half the lifetime) = 1 s.
    ahead = 1100;
    const fresh = await sdk.getAccessToken();
    expect(server.counts.refresh).toBe(1);
    expect(fresh).not.toBe(before.accessToken);

    const after = (await store.findTokenById(id)) as OAuthToken;
    expect(after.accessToken).toBe(fresh);
    expect(after.refreshToken).toBeTypeOf('string');
    expect(after.refreshToken).not.toBe(before.refreshToken);
    expect(after.expiresAt).toBeGreaterThan(before.expiresAt as number);
    expect(after.userSignature?.name).toBe('bob');
    expect(await store.getTokens()).toHaveLength(1);

    // The old refresh token was consumed by rotation; the saved one works.
    expect((await rawRefresh(server, after.refreshToken as string)).status).toBe(200);
  });

  it('keeps serving from memory with no I/O while the token is valid', async () => {
    const { sdk } = await authorised('carol');
    server.resetCounts();
    for (let i = 0; i < 50; i++) await sdk.getAccessToken();
    expect(server.counts.token).toBe(0);
  });

  it('loads a stored token by id and by user signature', async () => {
    const { store, id, sdk } = await authorised('dave');
    const byId = await Initializer.initialize({ environment, store, token: { id } });
    const byUser = await Initializer.initialize({ environment, store, token: { userSignature: { name: 'dave' } } });
    expect(await byId.getAccessToken()).toBe(await sdk.getAccessToken());
    expect(await byUser.getAccessToken()).toBe(await sdk.getAccessToken());
    await expect(Initializer.initialize({ environment, store, token: { id: 'nope' } })).rejects.toMatchObject({ code: 'TOKEN_NOT_FOUND' });
    await expect(Initializer.initialize({ environment, store, token: { userSignature: { name: 'nobody' } } })).rejects.toMatchObject({ code: 'TOKEN_NOT_FOUND' });
  });

  it('uses a configured refresh token (refresh-token flow) and an access token alone', async () => {
    const { store, id } = await authorised('erin');
    const stored = (await store.findTokenById(id)) as OAuthToken;
    await store.deleteTokens();
    server.resetCounts();

    const sdk = await Initializer.initialize({
      environment,
      store,
      token: { clientId: server.client.clientId, clientSecret: server.client.clientSecret, refreshToken: stored.refreshToken, userSignature: { name: 'erin' } },
    });
    const access = await sdk.getAccessToken();
    expect(server.counts.refresh).toBe(1);
    expect((await store.getTokens()).map((t) => t.userSignature?.name)).toEqual(['erin']);

    const bare = await Initializer.initialize({ environment, store: new MemoryStore(), token: { accessToken: access } });
    expect(await bare.getAccessToken()).toBe(access);
    expect((await bare.fetch('/api/me')).status).toBe(200);
  });

  it('on 401 refreshes once and retries once', async () => {
    const { sdk } = await authorised('frank');
    const rejected = await sdk.getAccessToken();
    await rawRevoke(server, rejected, 'access_token');
    server.resetCounts();

    const response = await sdk.fetch('/api/me');
    expect(response.status).toBe(200);
    expect(server.counts.api).toBe(2);
    expect(server.counts.refresh).toBe(1);
    expect(await sdk.getAccessToken()).not.toBe(rejected);
  });

  it('sends Zoho-oauthtoken when the environment says so', async () => {
    const zohoStyle = customEnvironment({ tokenEndpoint: server.tokenEndpoint, apiUrl: server.issuer, authorizationScheme: 'Zoho-oauthtoken' });
    const store = new MemoryStore();
    const seen: string[] = [];
    const sdk = await Initializer.initialize({
      environment: zohoStyle,
      store,
      token: await grantToken(server, 'zed'),
      fetch: (input, init) => {
        seen.push(new Headers(init?.headers).get('authorization')?.split(' ')[0] ?? '-');
        return fetch(input, init);
      },
    });
    expect((await sdk.fetch('/api/me')).status).toBe(200);
    expect(seen).toEqual(['-', 'Zoho-oauthtoken']);
  });

  it('revoke() revokes at the server and deletes the record', async () => {
    const { store, id, sdk } = await authorised('gina');
    const stored = (await store.findTokenById(id)) as OAuthToken;
    server.resetCounts();

    await sdk.revoke();
    expect(server.counts.revocation).toBe(1);
    expect(await store.findTokenById(id)).toBeNull();
    expect(await store.getTokens()).toHaveLength(0);
    const raw = await rawRefresh(server, stored.refreshToken as string);
    expect(raw.status).toBe(400);
    expect(raw.body.error).toBe('invalid_grant');
    await expect(sdk.getAccessToken()).rejects.toBeInstanceOf(ReauthorizationRequiredError);
  });

  it('invalid_grant after revocation: ReauthorizationRequiredError, record kept, refreshFailed emitted', async () => {
    const { store, id } = await authorised('hank');
    const stored = (await store.findTokenById(id)) as OAuthToken;
    await rawRevoke(server, stored.refreshToken as string, 'refresh_token');
    await expireStored(store, id);
    server.resetCounts();

    const failures: RefreshFailedEvent[] = [];
    const sdk = await Initializer.initialize({ environment, store, token: { id }, hooks: { refreshFailed: (e) => void failures.push(e) } });
    const error = await sdk.getAccessToken().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ReauthorizationRequiredError);
    expect(isTokenStoreError(error, 'REAUTHORIZATION_REQUIRED')).toBe(true);
    expect((error as ReauthorizationRequiredError).oauthError).toBe('invalid_grant');
    expect((error as ReauthorizationRequiredError).tokenId).toBe(id);
    expect(server.counts.invalidGrant).toBe(1);

    const kept = (await store.findTokenById(id)) as OAuthToken;
    expect(kept.refreshToken).toBe(stored.refreshToken);
    expect(failures.map((f) => f.error.code)).toEqual(['REAUTHORIZATION_REQUIRED']);

    // The dead refresh token is not sent again.
    await expect(sdk.getAccessToken()).rejects.toBeInstanceOf(ReauthorizationRequiredError);
    expect(server.counts.token).toBe(1);
  });

  it('1,000 concurrent getAccessToken() on an expired token make exactly one token request', async () => {
    const { store, id } = await authorised('ivy');
    await expireStored(store, id);
    const sdk = await Initializer.initialize({ environment, store, token: { id } });
    server.resetCounts();

    const tokens = await Promise.all(Array.from({ length: 1000 }, () => sdk.getAccessToken()));
    expect(new Set(tokens).size).toBe(1);
    expect(server.counts.token).toBe(1);
    expect(server.counts.refresh).toBe(1);
    console.info(`[measured] 1,000 concurrent callers -> ${server.counts.token} token request(s) at the provider`);
    expect((await store.findTokenById(id))?.accessToken).toBe(tokens[0]);
  });

  it('two Initializers with separate single-flight registries share one refresh through store.lock', async () => {
    const { store, id } = await authorised('jack');
    await expireStored(store, id);
    const a = await Initializer.initialize({ environment, store, token: { id }, registry: createRefreshRegistry() });
    const b = await Initializer.initialize({ environment, store, token: { id }, registry: createRefreshRegistry(), refresh: { lockPollMs: 5 } });
    server.resetCounts();

    const tokens = await Promise.all(Array.from({ length: 200 }, (_, i) => (i % 2 ? a : b).getAccessToken()));
    expect(new Set(tokens).size).toBe(1);
    expect(server.counts.refresh).toBe(1);
    expect(server.counts.invalidGrant).toBe(0);
  });

  it('a save slower than the lease ttl: the heartbeat keeps the lease, one token request, both instances get the same token', async () => {
    // Rotation with reuse detection is on: a second refresh with the spent token would revoke the grant.
    const { store, id } = await authorised('slow-save');
    await expireStored(store, id);
    const slow = slowSaves(store, 500);
    const refresh = { lockTtlMs: 300, timeoutMs: 250, lockPollMs: 10, lockWaitMs: 5000 };
    const a = await Initializer.initialize({ environment, store: slow, token: { id }, refresh });
    const b = await Initializer.initialize({ environment, store: slow, token: { id }, refresh });
    server.resetCounts();

    const [fromA, fromB] = await Promise.all([a.getAccessToken(), b.getAccessToken()]);
    expect(fromB).toBe(fromA);
    expect(server.counts.refresh).toBe(1);
    expect(server.counts.invalidGrant).toBe(0);
    expect((await store.findTokenById(id))?.accessToken).toBe(fromA);
  });

  it('control: without a lock, two registries refresh twice (non-rotating server)', async () => {
    const plain = await startServer({ rotateRefreshTokens: false });
    try {
      const base = new MemoryStore();
      // Same store, lock capability hidden.
      const noLock: TokenStore = {
        findToken: (t) => base.findToken(t),
        findTokenById: (i) => base.findTokenById(i),
        saveToken: (t) => base.saveToken(t),
        deleteToken: (i) => base.deleteToken(i),
        getTokens: () => base.getTokens(),
        deleteTokens: () => base.deleteTokens(),
      };
      const first = await Initializer.initialize({ environment: plain.environment, store: noLock, token: await grantToken(plain.server, 'kim') });
      await first.getAccessToken();
      const id = first.token.id as string;
      await expireStored(base, id);
      const a = await Initializer.initialize({ environment: plain.environment, store: noLock, token: { id } });
      const b = await Initializer.initialize({ environment: plain.environment, store: noLock, token: { id } });
      plain.server.resetCounts();
      await Promise.all([a.getAccessToken(), b.getAccessToken()]);
      expect(plain.server.counts.refresh).toBe(2);
    } finally {
      await plain.server.close();
    }
  });

  it('switchUser() shares store and registry and serves each user their own token', async () => {
    const store = new MemoryStore();
    const alice = await Initializer.initialize({ environment, store, token: await grantToken(server, 'sw-alice') });
    const bob = await alice.switchUser(await grantToken(server, 'sw-bob'));
    const [ta, tb] = await Promise.all([alice.getAccessToken(), bob.getAccessToken()]);
    expect(ta).not.toBe(tb);
    expect(bob.store).toBe(store);
    expect(await (await bob.fetch('/api/me')).json()).toMatchObject({ sub: 'sw-bob' });
    expect((await store.getTokens()).map((t) => t.userSignature?.name).sort()).toEqual(['sw-alice', 'sw-bob']);

    // Same user through two family members: one refresh.
    const id = alice.token.id as string;
    await expireStored(store, id);
    const a1 = await alice.switchUser({ id });
    const a2 = await bob.switchUser({ id });
    server.resetCounts();
    const both = await Promise.all([a1.getAccessToken(), a2.getAccessToken()]);
    expect(both[0]).toBe(both[1]);
    expect(server.counts.refresh).toBe(1);
  });

  it('close() makes the instance refuse further calls', async () => {
    const { sdk } = await authorised('leo');
    await sdk.close();
    await sdk.close();
    await expect(sdk.getAccessToken()).rejects.toMatchObject({ code: 'INITIALIZER_CLOSED' });
  });
});
