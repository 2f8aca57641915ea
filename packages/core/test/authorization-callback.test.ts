/**
 * The callback against a REAL authorization server: oidc-provider 8 in process, a confidential client
 * that must use PKCE (S256). The authorization URL is the one createAuthorizationRequest built, driven
 * through the server's login and consent pages unchanged; requests are counted at the provider.
 */
import { beforeEach, describe, expect, it } from 'vitest';
import {
  MemoryStore,
  completeAuthorization,
  createAuthorizationRequest,
  customEnvironment,
  isTokenStoreError,
  type AuthorizationRequest,
  type Environment,
  type TokenStore,
} from '../src/index.js';
import { serveDuringTests, type OAuthTestServer } from './helpers/oauth.js';

const CLIENT = 'pkce-web-app';
const SECRET = 'pkce-web-app-secret';

let server: OAuthTestServer;
let environment: Environment;
serveDuringTests({ clients: [{ clientId: CLIENT, clientSecret: SECRET, pkceRequired: true }] }, (started) => {
  server = started.server;
  environment = started.environment;
});
beforeEach(() => server.resetCounts());

function request(): AuthorizationRequest {
  const client = server.clients.get(CLIENT)!;
  return createAuthorizationRequest({ environment, clientId: CLIENT, redirectUri: client.redirectUri, scope: client.scope.split(' '), authorizationEndpoint: server.authorizationEndpoint, extraParams: { prompt: 'consent' } });
}

async function expectCode(promise: Promise<unknown>, code: NonNullable<Parameters<typeof isTokenStoreError>[1]>): Promise<Error> {
  const error = await promise.then(() => undefined, (e: unknown) => e);
  expect(isTokenStoreError(error, code), `expected ${code}, got ${String(error)}`).toBe(true);
  return error as Error;
}

describe('completeAuthorization against oidc-provider with PKCE required', () => {
  it('exchanges the code once with the verifier, saves the token bound to the user, returns a ready Initializer', async () => {
    const store = new MemoryStore();
    const { url, pending } = request();
    const callback = await server.followAuthorization(url, { user: 'alice' });
    const sdk = await completeAuthorization({ environment, store, callback: callback.href, pending, user: 'alice', clientSecret: SECRET });

    expect(server.counts).toMatchObject({ token: 1, authorizationCode: 1 });
    const records = await store.getTokens();
    expect(records).toHaveLength(1);
    expect(records[0]!.userSignature?.name).toBe('alice');
    expect(records[0]!.refreshToken).toEqual(expect.any(String));
    expect(records[0]!.grantToken).toBeUndefined();
    const me = await sdk.fetch('/api/me');
    expect(await me.json()).toMatchObject({ sub: 'alice' });
    expect(server.counts.token).toBe(1);
  });

  it('a wrong state is refused before any request, and nothing is saved', async () => {
    const store = new MemoryStore();
    const first = request();
    const other = request();
    const callback = await server.followAuthorization(first.url);
    await expectCode(completeAuthorization({ environment, store, callback, pending: other.pending, user: 'u', clientSecret: SECRET }), 'AUTHORIZATION_STATE_MISMATCH');
    // Same length, one character off: still refused.
    const flipped = { ...first.pending, state: first.pending.state.slice(0, -1) + (first.pending.state.endsWith('A') ? 'B' : 'A') };
    await expectCode(completeAuthorization({ environment, store, callback, pending: flipped, user: 'u', clientSecret: SECRET }), 'AUTHORIZATION_STATE_MISMATCH');
    expect(server.counts.token).toBe(0);
    expect(await store.getTokens()).toEqual([]);
  });

  it('a missing state is refused before any request', async () => {
    const store = new MemoryStore();
    const { url, pending } = request();
    const callback = await server.followAuthorization(url);
    callback.searchParams.delete('state');
    await expectCode(completeAuthorization({ environment, store, callback, pending, user: 'u', clientSecret: SECRET }), 'AUTHORIZATION_STATE_MISMATCH');
    expect(server.counts.token).toBe(0);
  });

  it('a repeated state parameter is refused (no first- or last-wins)', async () => {
    const store = new MemoryStore();
    const { url, pending } = request();
    const callback = await server.followAuthorization(url);
    await expectCode(completeAuthorization({ environment, store, callback: `${callback.href}&state=other`, pending, user: 'u', clientSecret: SECRET }), 'INVALID_ARGUMENT');
    expect(server.counts.token).toBe(0);
  });

  it('a replayed callback (same state twice) is refused without a second token request', async () => {
    const store = new MemoryStore();
    const { url, pending } = request();
    const callback = await server.followAuthorization(url, { user: 'bob' });
    await completeAuthorization({ environment, store, callback, pending, user: 'bob', clientSecret: SECRET });
    await expectCode(completeAuthorization({ environment, store, callback, pending, user: 'mallory', clientSecret: SECRET }), 'AUTHORIZATION_STATE_REPLAYED');
    expect(server.counts.token).toBe(1);
    expect((await store.getTokens()).map((t) => t.userSignature?.name)).toEqual(['bob']);
  });

  it('a replayed code (under a fresh, valid state) is rejected by the server once, never retried, nothing saved', async () => {
    const store = new MemoryStore();
    const first = request();
    const callback = await server.followAuthorization(first.url, { user: 'carol' });
    await completeAuthorization({ environment, store: new MemoryStore(), callback, pending: first.pending, user: 'carol', clientSecret: SECRET });
    server.resetCounts();
    // An attacker who captured carol's code pairs it with a state of their own session.
    const attacker = request();
    const forged = new URL(callback);
    forged.searchParams.set('state', attacker.pending.state);
    const error = await expectCode(completeAuthorization({ environment, store, callback: forged, pending: { ...attacker.pending, codeVerifier: first.pending.codeVerifier }, user: 'mallory', clientSecret: SECRET }), 'AUTHORIZATION_CODE_REJECTED');
    expect(server.counts.token).toBe(1);
    expect(await store.getTokens()).toEqual([]);
    expect(String(error.message) + String((error.cause as Error).message)).not.toContain(callback.searchParams.get('code')!);
  });

  it('a wrong verifier is rejected by the server (once), nothing saved, no secret in the error', async () => {
    const store = new MemoryStore();
    const { url, pending } = request();
    const other = request();
    const callback = await server.followAuthorization(url);
    const error = await expectCode(completeAuthorization({ environment, store, callback, pending: { ...pending, codeVerifier: other.pending.codeVerifier }, user: 'u', clientSecret: SECRET }), 'AUTHORIZATION_CODE_REJECTED');
    expect(server.counts.token).toBe(1);
    expect(await store.getTokens()).toEqual([]);
    const text = JSON.stringify({ m: error.message, c: (error.cause as Error).message, s: error.stack });
    for (const secret of [other.pending.codeVerifier, callback.searchParams.get('code')!, SECRET, pending.state]) expect(text).not.toContain(secret);
  });

  it('a missing verifier is INVALID_ARGUMENT before anything is sent; the server also refuses a code without one', async () => {
    const store = new MemoryStore();
    const { url, pending } = request();
    const callback = await server.followAuthorization(url);
    const { codeVerifier: _dropped, ...withoutVerifier } = pending;
    await expectCode(completeAuthorization({ environment, store, callback, pending: withoutVerifier as typeof pending, user: 'u', clientSecret: SECRET }), 'INVALID_ARGUMENT');
    expect(server.counts.token).toBe(0);
    // And the server itself enforces it: the same code presented without code_verifier is refused.
    const response = await fetch(server.tokenEndpoint, { method: 'POST', body: new URLSearchParams({ grant_type: 'authorization_code', code: callback.searchParams.get('code')!, client_id: CLIENT, client_secret: SECRET, redirect_uri: pending.redirectUri }) });
    expect(((await response.json()) as { error: string }).error).toBe('invalid_grant');
  });

  it('error=access_denied becomes AUTHORIZATION_DENIED; the state is still checked and consumed first', async () => {
    const store = new MemoryStore();
    const { url, pending } = request();
    const callback = await server.followAuthorization(url, { deny: true });
    expect(callback.searchParams.get('error')).toBe('access_denied');
    const wrongState = new URL(callback);
    wrongState.searchParams.set('state', request().pending.state);
    await expectCode(completeAuthorization({ environment, store, callback: wrongState, pending, user: 'u' }), 'AUTHORIZATION_STATE_MISMATCH');
    const error = (await expectCode(completeAuthorization({ environment, store, callback, pending, user: 'u', clientSecret: SECRET }), 'AUTHORIZATION_DENIED')) as Error & { oauthError?: string };
    expect(error.oauthError).toBe('access_denied');
    await expectCode(completeAuthorization({ environment, store, callback, pending, user: 'u', clientSecret: SECRET }), 'AUTHORIZATION_STATE_REPLAYED');
    expect(server.counts.token).toBe(0);
  });

  it("other errors become AUTHORIZATION_FAILED with the server's description scrubbed of the flow's secrets", async () => {
    const { pending } = request();
    const description = `bad request for verifier ${pending.codeVerifier} state ${pending.state} secret ${SECRET}\r\nInjected: line`;
    const callback = new URLSearchParams({ state: pending.state, error: 'invalid_scope', error_description: description });
    const error = (await expectCode(completeAuthorization({ environment, store: new MemoryStore(), callback, pending, user: 'u', clientSecret: SECRET }), 'AUTHORIZATION_FAILED')) as Error & { description?: string };
    for (const text of [error.message, error.description ?? '']) {
      expect(text).toContain('bad request for verifier');
      for (const secret of [pending.codeVerifier, pending.state, SECRET]) expect(text).not.toContain(secret);
      expect(text).not.toMatch(/[\r\n]/);
    }
  });

  it('a callback with neither code nor error, and a stale pending authorization, are refused before any request', async () => {
    const { pending } = request();
    await expectCode(completeAuthorization({ environment, store: new MemoryStore(), callback: `?state=${encodeURIComponent(pending.state)}`, pending, user: 'u' }), 'AUTHORIZATION_CODE_MISSING');
    const stale = request().pending;
    await expectCode(completeAuthorization({ environment, store: new MemoryStore(), callback: { state: stale.state, code: 'x' }, pending: stale, user: 'u', maxAgeMs: 1000, now: () => stale.createdAt + 1001 }), 'AUTHORIZATION_EXPIRED');
    expect(server.counts.token).toBe(0);
  });

  it('with a store lock, a replay is refused through the store (two processes sharing it); without one, within the process', async () => {
    const shared = new MemoryStore();
    const processA = view(shared, shared.lock);
    const processB = view(shared, shared.lock);
    const { url, pending } = request();
    const callback = await server.followAuthorization(url, { user: 'dan' });
    await completeAuthorization({ environment, store: processA, callback, pending, user: 'dan', clientSecret: SECRET });
    await expectCode(completeAuthorization({ environment, store: processB, callback, pending, user: 'dan', clientSecret: SECRET }), 'AUTHORIZATION_STATE_REPLAYED');

    const lockless = view(new MemoryStore(), undefined);
    const second = request();
    const again = await server.followAuthorization(second.url, { user: 'erin' });
    await completeAuthorization({ environment, store: lockless, callback: again, pending: second.pending, user: 'erin', clientSecret: SECRET });
    await expectCode(completeAuthorization({ environment, store: lockless, callback: again, pending: second.pending, user: 'erin', clientSecret: SECRET }), 'AUTHORIZATION_STATE_REPLAYED');
    expect(server.counts.token).toBe(2);
  });
});

/** Another TokenStore object over the same records (as a second process would open), with the given lock. */
function view(inner: MemoryStore, lock: TokenStore['lock']): TokenStore {
  return {
    findToken: (t) => inner.findToken(t),
    findTokenById: (id) => inner.findTokenById(id),
    saveToken: (t) => inner.saveToken(t),
    deleteToken: (id) => inner.deleteToken(id),
    getTokens: () => inner.getTokens(),
    deleteTokens: () => inner.deleteTokens(),
    ...(lock ? { lock } : {}),
  };
}
