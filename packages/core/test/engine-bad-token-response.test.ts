/**
 * A token response with unusable fields never burns the refresh token it carries: the rotated refresh
 * token is persisted whatever else is wrong, an unusable or absurd expires_in gets a bounded lifetime,
 * and every failure is a coded error (scripted fake fetch: a real server does not send these).
 */
import { describe, expect, it } from 'vitest';
import {
  Initializer,
  MemoryStore,
  OAuthToken,
  TokenEndpointClient,
  customEnvironment,
  isTokenStoreError,
  type FetchLike,
  type RefreshFailedEvent,
} from '../src/index.js';
import { scriptedFetch, tokenBody, type Step } from './helpers/fake-fetch.js';
import { FlakyStore } from './helpers/stores.js';

const environment = customEnvironment({ tokenEndpoint: 'https://auth.example.test/token', apiUrl: 'https://api.example.test' });
const FAST = { backoffMs: 1, maxBackoffMs: 20, timeoutMs: 200, lockTtlMs: 500 };
const HOUR = 3_600_000;
/** The documented rules: an unusable expires_in counts as 5 minutes; any lifetime is capped at 24 hours. */
const FALLBACK_MS = 5 * 60_000;
const MAX_MS = 24 * HOUR;

async function setup(steps: Step[]) {
  const store = new MemoryStore();
  const stored = await store.saveToken(
    new OAuthToken({ userSignature: { name: 'u@example.test' }, clientId: 'cid', clientSecret: 'csecret', refreshToken: 'r0-refresh', accessToken: 'a0-access', expiresAt: Date.now() - 1000 }),
  );
  const fetch = scriptedFetch(steps);
  const failed: RefreshFailedEvent[] = [];
  const sdk = await Initializer.initialize({ environment, store, fetch, token: { id: stored.id }, refresh: FAST, hooks: { refreshFailed: (e) => void failed.push(e) } });
  return { store, id: stored.id as string, fetch, sdk, failed };
}

const outcome = (promise: Promise<string>) =>
  promise.then(
    (token) => ({ token }),
    (error: unknown) => ({ code: isTokenStoreError(error) ? error.code : `uncoded ${String(error)}` }),
  );

describe('expires_in that cannot be trusted', () => {
  it.each([
    ['1e13', 1e13, MAX_MS],
    ['1e20', 1e20, MAX_MS],
    ['9007199254740.991', 9007199254740.991, MAX_MS],
    ['"1e13" as a string', '10000000000000', MAX_MS],
    ['0', 0, FALLBACK_MS],
    ['-1', -1, FALLBACK_MS],
    ['"abc"', 'abc', FALLBACK_MS],
    ['true', true, FALLBACK_MS],
    ['NaN as a string', 'NaN', FALLBACK_MS],
  ] as [string, unknown, number][])('expires_in %s: the token is used and saved with the rotated refresh token, bounded lifetime', async (_name, expiresIn, lifetimeMs) => {
    const { sdk, store, id } = await setup([{ json: tokenBody(1, { expires_in: expiresIn, refresh_token: 'r1-rotated' }) }]);
    const before = Date.now();
    expect(await outcome(sdk.getAccessToken())).toEqual({ token: tokenBody(1).access_token });
    const saved = await store.findTokenById(id);
    expect(saved?.refreshToken).toBe('r1-rotated');
    expect(saved?.expiresAt).toBeGreaterThanOrEqual(before - 50 + lifetimeMs);
    expect(saved?.expiresAt).toBeLessThanOrEqual(Date.now() + lifetimeMs);
  });

  it('a sane expires_in is kept exactly', async () => {
    const { sdk, store, id } = await setup([{ json: tokenBody(1, { expires_in: 7200 }) }]);
    const before = Date.now();
    await sdk.getAccessToken();
    const saved = await store.findTokenById(id);
    expect(saved?.expiresAt).toBeGreaterThanOrEqual(before + 2 * HOUR);
    expect(saved?.expiresAt).toBeLessThanOrEqual(Date.now() + 2 * HOUR);
  });
});

describe('an unusable access_token next to a new refresh token', () => {
  it.each([
    ['missing', undefined],
    ['empty', ''],
    ['a number', 12345],
    ['an object', { value: 'x' }],
    ['with CR/LF', 'a1-access\r\nx-injected: 1'],
    ['with a NUL', 'a1-access\u0000'],
    ['with a tab', 'a1\taccess'],
    ['with a space', 'a1 access'],
    ['with non-ASCII', 'a1-accèss'],
  ] as [string, unknown][])('access_token %s: INVALID_TOKEN_RESPONSE, the new refresh token is saved and used next', async (_name, accessToken) => {
    const { sdk, store, id, fetch, failed } = await setup([{ json: { ...tokenBody(1), access_token: accessToken, refresh_token: 'r1-rotated' } }, { json: tokenBody(2) }]);
    expect(await outcome(sdk.getAccessToken())).toEqual({ code: 'INVALID_TOKEN_RESPONSE' });
    expect(failed.map((f) => f.error.code)).toEqual(['INVALID_TOKEN_RESPONSE']);
    const saved = await store.findTokenById(id);
    expect(saved?.refreshToken).toBe('r1-rotated');
    expect(saved?.accessToken).toBeUndefined();
    expect(await outcome(sdk.getAccessToken())).toEqual({ token: tokenBody(2).access_token });
    expect(fetch.calls.map((c) => c.form.get('refresh_token'))).toEqual(['r0-refresh', 'r1-rotated']);
  });

  it('the same from a grant exchange: the refresh token is saved, the spent code is not sent again', async () => {
    const store = new MemoryStore();
    const fetch = scriptedFetch([{ json: { access_token: 'bad\ntoken', refresh_token: 'r1-from-code', expires_in: 3600 } }, { json: tokenBody(2) }]);
    const sdk = await Initializer.initialize({ environment, store, fetch, token: { userSignature: { name: 'g' }, clientId: 'cid', clientSecret: 'cs', grantToken: 'the-code' }, refresh: FAST });
    expect(await outcome(sdk.getAccessToken())).toEqual({ code: 'INVALID_TOKEN_RESPONSE' });
    expect((await store.getTokens())[0]?.refreshToken).toBe('r1-from-code');
    expect(await outcome(sdk.getAccessToken())).toEqual({ token: tokenBody(2).access_token });
    expect(fetch.calls.map((c) => c.form.get('grant_type'))).toEqual(['authorization_code', 'refresh_token']);
  });

  it.each([
    ['no refresh_token', {}],
    ['the refresh_token that was sent', { refresh_token: 'r0-refresh' }],
  ])('without a new refresh token (%s) nothing is written and the error is coded', async (_name, extra) => {
    const { sdk, store, id } = await setup([{ json: { ...tokenBody(1), access_token: 'x\r\ny', ...extra } }]);
    expect(await outcome(sdk.getAccessToken())).toEqual({ code: 'INVALID_TOKEN_RESPONSE' });
    expect(await store.findTokenById(id)).toMatchObject({ refreshToken: 'r0-refresh', accessToken: 'a0-access' });
  });
});

describe('when the store refuses the salvaged refresh token', () => {
  /** The salvage save is refused, and so are the next `laterRefusals` saves (e.g. a background retry). */
  async function refusedOnce(laterRefusals = 0) {
    const store = new FlakyStore();
    const stored = await store.saveToken(new OAuthToken({ userSignature: { name: 'f' }, clientId: 'cid', refreshToken: 'r0-refresh', accessToken: 'a0', expiresAt: Date.now() - 1000 }));
    const fetch = scriptedFetch([{ json: { access_token: 'bad\r\n', refresh_token: 'r1-rotated' } }, { json: tokenBody(2) }]);
    const sdk = await Initializer.initialize({ environment, store, fetch, token: { id: stored.id }, refresh: { ...FAST, saveRetries: 0 } });
    store.failSaves = 1;
    expect(await outcome(sdk.getAccessToken())).toEqual({ code: 'INVALID_TOKEN_RESPONSE' });
    expect((await store.findTokenById(stored.id as string))?.refreshToken).toBe('r0-refresh');
    expect(sdk.token.refreshToken).toBe('r1-rotated');
    store.failSaves = laterRefusals;
    return { store, id: stored.id as string, fetch, sdk };
  }

  it('it is kept in memory and flushed by close()', async () => {
    const { store, id, sdk } = await refusedOnce();
    await sdk.close();
    expect((await store.findTokenById(id))?.refreshToken).toBe('r1-rotated');
  });

  it.each([0, 1])('it is kept in memory and the next call refreshes with it, not with the older stored one (%d more refusals)', async (laterRefusals) => {
    const { store, id, sdk, fetch } = await refusedOnce(laterRefusals);
    expect(await outcome(sdk.getAccessToken())).toEqual({ token: tokenBody(2).access_token });
    expect(fetch.calls.map((c) => c.form.get('refresh_token'))).toEqual(['r0-refresh', 'r1-rotated']);
    await sdk.close();
    expect(await store.findTokenById(id)).toMatchObject({ refreshToken: 'r1-rotated', accessToken: tokenBody(2).access_token });
  });
});

describe('other unusable fields are dropped, not fatal', () => {
  it('api_domain, token_type and scope that are not strings are ignored; the token is used and saved', async () => {
    const { sdk, store, id } = await setup([{ json: tokenBody(1, { refresh_token: 'r1-rotated', api_domain: 42, token_type: { a: 1 }, scope: ['x'] }) }]);
    expect(await outcome(sdk.getAccessToken())).toEqual({ token: tokenBody(1).access_token });
    expect(await store.findTokenById(id)).toMatchObject({ refreshToken: 'r1-rotated', apiDomain: undefined });
  });
});

describe('response size', () => {
  /** A 200 response streaming `total` bytes of JSON-ish text; `pulled` counts what was read. */
  function hugeBody(total: number, headers: Record<string, string> = {}) {
    const state = { pulled: 0 };
    const chunk = new TextEncoder().encode('x'.repeat(64 * 1024));
    const fetch: FetchLike = async () =>
      new Response(
        new ReadableStream<Uint8Array>({
          pull(controller) {
            if (state.pulled >= total) return controller.close();
            state.pulled += chunk.length;
            controller.enqueue(chunk);
          },
        }),
        { status: 200, headers: { 'content-type': 'application/json', ...headers } },
      );
    return { fetch, state };
  }

  it('a body over 1 MiB is refused with INVALID_TOKEN_RESPONSE after reading about 1 MiB, not all of it', async () => {
    const { fetch, state } = hugeBody(256 * 1024 * 1024);
    const client = new TokenEndpointClient({ environment, fetch });
    const error = await client.refresh({ clientId: 'cid', refreshToken: 'r0' }).catch((e: unknown) => e);
    expect(isTokenStoreError(error, 'INVALID_TOKEN_RESPONSE')).toBe(true);
    expect(state.pulled).toBeLessThanOrEqual(1024 * 1024 + 128 * 1024);
  });

  it('a Content-Length over 1 MiB is refused before reading', async () => {
    const { fetch, state } = hugeBody(2 * 1024 * 1024, { 'content-length': String(2 * 1024 * 1024) });
    const client = new TokenEndpointClient({ environment, fetch });
    const error = await client.refresh({ clientId: 'cid', refreshToken: 'r0' }).catch((e: unknown) => e);
    expect(isTokenStoreError(error, 'INVALID_TOKEN_RESPONSE')).toBe(true);
    expect(state.pulled).toBeLessThanOrEqual(64 * 1024);
  });

  it('a revocation answer over 1 MiB is refused the same way', async () => {
    const { fetch, state } = hugeBody(256 * 1024 * 1024);
    const withRevocation = customEnvironment({ tokenEndpoint: 'https://auth.example.test/token', revocationEndpoint: 'https://auth.example.test/revoke' });
    const client = new TokenEndpointClient({ environment: withRevocation, fetch });
    const error = await client.revoke({ clientId: 'cid', token: 'r0' }).catch((e: unknown) => e);
    expect(isTokenStoreError(error, 'INVALID_TOKEN_RESPONSE')).toBe(true);
    expect(state.pulled).toBeLessThanOrEqual(1024 * 1024 + 128 * 1024);
  });
});
