/**
 * The refresh engine under faults (scripted fake fetch, flaky store, a lease held elsewhere). The
 * happy paths run against the real server in engine-oauth-server.test.ts.
 */
import { describe, expect, it } from 'vitest';
import {
  Initializer,
  InvalidTokenResponseError,
  MemoryStore,
  OAuthToken,
  ReauthorizationRequiredError,
  RefreshLockTimeoutError,
  TokenPersistError,
  TransportError,
  USDataCenter,
  customEnvironment,
  tokenKey,
  zohoEnvironment,
  type InitializeOptions,
  type RefreshFailedEvent,
  type TokenRefreshedEvent,
} from '../src/index.js';
import { respond, scriptedFetch, tokenBody, type Step } from './helpers/fake-fetch.js';
import { ManualClock } from './helpers/manual-clock.js';
import { FlakyStore } from './helpers/stores.js';

const environment = customEnvironment({ tokenEndpoint: 'https://auth.example.test/token', revocationEndpoint: 'https://auth.example.test/revoke', apiUrl: 'https://api.example.test/v1' });
const FAST = { backoffMs: 1, maxBackoffMs: 50, timeoutMs: 50, lockTtlMs: 500, lockPollMs: 5 };

/** A store holding one expired token (refresh token r0) and a fake fetch playing `steps`. */
async function setup(steps: Step[], options: Partial<InitializeOptions> & { store?: MemoryStore; token?: Partial<ConstructorParameters<typeof OAuthToken>[0]> } = {}) {
  const store = options.store ?? new MemoryStore();
  const stored = await store.saveToken(
    new OAuthToken({
      userSignature: { name: 'u@example.test' },
      clientId: 'cid',
      clientSecret: 'csecret',
      refreshToken: 'r0-refresh-token',
      accessToken: 'a0-access-token',
      expiresAt: Date.now() - 1000,
      ...options.token,
    }),
  );
  const fetch = scriptedFetch(steps);
  const refreshed: TokenRefreshedEvent[] = [];
  const failed: RefreshFailedEvent[] = [];
  const sdk = await Initializer.initialize({
    environment,
    store,
    fetch,
    token: { id: stored.id },
    hooks: { tokenRefreshed: (e) => void refreshed.push(e), refreshFailed: (e) => void failed.push(e) },
    ...options,
    refresh: { ...FAST, ...options.refresh },
  });
  return { store, id: stored.id as string, fetch, sdk, refreshed, failed };
}

describe('retries', () => {
  it('retries 5xx, then succeeds (bounded, with backoff)', async () => {
    const { fetch, sdk, store, id } = await setup([{ status: 502, text: 'bad gateway' }, { status: 500, json: {} }, { json: tokenBody(1) }]);
    expect(await sdk.getAccessToken()).toBe(tokenBody(1).access_token);
    expect(fetch.calls).toHaveLength(3);
    expect((await store.findTokenById(id))?.accessToken).toBe(tokenBody(1).access_token);
  });

  it('gives up after `retries` extra attempts with the TransportError, record kept', async () => {
    const { fetch, sdk, store, id, failed } = await setup([{ status: 503 }, { status: 503 }, { status: 503 }, { status: 503 }], { refresh: { retries: 2 } });
    const error = await sdk.getAccessToken().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TransportError);
    expect(fetch.calls).toHaveLength(3);
    expect((await store.findTokenById(id))?.refreshToken).toBe('r0-refresh-token');
    expect(failed.map((f) => f.error.code)).toEqual(['TRANSPORT_ERROR']);
  });

  it('retries timeouts and network errors', async () => {
    const { fetch, sdk } = await setup(['timeout', 'network', { json: tokenBody(1) }]);
    expect(await sdk.getAccessToken()).toBe(tokenBody(1).access_token);
    expect(fetch.calls).toHaveLength(3);
  });

  it('retries temporarily_unavailable, even in an HTTP 200 body', async () => {
    const { fetch, sdk } = await setup([{ status: 200, json: { error: 'temporarily_unavailable' } }, { json: tokenBody(1) }]);
    expect(await sdk.getAccessToken()).toBe(tokenBody(1).access_token);
    expect(fetch.calls).toHaveLength(2);
  });

  it('waits for Retry-After on 429', async () => {
    const clock = new ManualClock();
    const sentAt: number[] = [];
    const answer = (step: Parameters<typeof respond>[0]): Step => () => (sentAt.push(clock.now()), respond(step));
    const { fetch, sdk } = await setup([answer({ status: 429, headers: { 'retry-after': '1' } }), answer({ json: tokenBody(1) })], { clock, refresh: { maxBackoffMs: 2000 } });
    await clock.settle(sdk.getAccessToken());
    expect(fetch.calls).toHaveLength(2);
    expect(clock.sleeps).toContain(1000);
    expect((sentAt[1] ?? 0) - (sentAt[0] ?? 0)).toBeGreaterThanOrEqual(1000);
  });

  it('does not wait for a Retry-After longer than maxBackoffMs: throws it instead', async () => {
    const { fetch, sdk } = await setup([{ status: 429, headers: { 'retry-after': '60' } }]);
    const error = (await sdk.getAccessToken().catch((e: unknown) => e)) as TransportError;
    expect(error).toMatchObject({ code: 'TRANSPORT_ERROR', retryAfterMs: 60_000 });
    expect(fetch.calls).toHaveLength(1);
  });

  it.each([
    ['non-JSON', { status: 200, text: '<html>oops</html>' }],
    ['missing access_token', { json: { token_type: 'Bearer', expires_in: 3600 } }],
    ['access_token with CR/LF', { json: tokenBody(1, { access_token: 'a1\r\nx: y' }) }],
  ] as [string, Step][])('does not retry an invalid response (%s)', async (_name, step) => {
    const { fetch, sdk, store, id } = await setup([step]);
    await expect(sdk.getAccessToken()).rejects.toBeInstanceOf(InvalidTokenResponseError);
    expect(fetch.calls).toHaveLength(1);
    expect((await store.findTokenById(id))?.accessToken).toBe('a0-access-token');
  });

  it('accepts expires_in as a numeric string', async () => {
    const start = Date.now();
    const { sdk } = await setup([{ json: tokenBody(1, { expires_in: '120' }) }]);
    const token = await sdk.getToken();
    expect(token.expiresAt).toBeGreaterThanOrEqual(start + 120_000);
    expect(token.expiresAt).toBeLessThan(Date.now() + 120_000 + 1);
  });
});

describe('refresh tokens', () => {
  it('keeps the old refresh token when the response has none', async () => {
    const { sdk, store, id } = await setup([{ json: tokenBody(1) }]);
    await sdk.getAccessToken();
    expect((await store.findTokenById(id))?.refreshToken).toBe('r0-refresh-token');
  });

  it('takes the new refresh token when it rotates', async () => {
    const { sdk, store, id, fetch, refreshed } = await setup([{ json: tokenBody(1, { refresh_token: 'r1-refresh-token' }) }]);
    await sdk.getAccessToken();
    expect((await store.findTokenById(id))?.refreshToken).toBe('r1-refresh-token');
    expect(fetch.calls[0]?.form.get('refresh_token')).toBe('r0-refresh-token');
    expect(refreshed[0]).toMatchObject({ rotated: true, reason: 'expired', tokenId: id });
  });

  it('invalid_grant after another process rotated: re-reads the store and uses its token', async () => {
    const store = new MemoryStore();
    let id = '';
    const otherProcess: Step = async () => {
      // Meanwhile another process refreshed and saved r1 with a valid access token.
      const current = (await store.findTokenById(id)) as OAuthToken;
      await store.saveToken(current.with({ refreshToken: 'r1-refresh-token', accessToken: 'a1-from-elsewhere', expiresAt: Date.now() + 3_600_000 }));
      return new Response(JSON.stringify({ error: 'invalid_grant' }), { status: 400 });
    };
    const ctx = await setup([otherProcess], { store });
    id = ctx.id;
    expect(await ctx.sdk.getAccessToken()).toBe('a1-from-elsewhere');
    expect(ctx.fetch.calls).toHaveLength(1);
    expect(await store.findTokenById(id)).not.toBeNull();
  });

  it('invalid_grant after a rotation whose access token is also expired: refreshes with the stored token', async () => {
    const store = new MemoryStore();
    let id = '';
    const otherProcess: Step = async () => {
      const current = (await store.findTokenById(id)) as OAuthToken;
      await store.saveToken(current.with({ refreshToken: 'r1-refresh-token', accessToken: 'a1-old', expiresAt: Date.now() - 5 }));
      return new Response(JSON.stringify({ error: 'invalid_grant' }), { status: 400 });
    };
    const ctx = await setup([otherProcess, { json: tokenBody(2, { refresh_token: 'r2-refresh-token' }) }], { store });
    id = ctx.id;
    expect(await ctx.sdk.getAccessToken()).toBe(tokenBody(2).access_token);
    expect(ctx.fetch.calls[1]?.form.get('refresh_token')).toBe('r1-refresh-token');
    expect((await store.findTokenById(id))?.refreshToken).toBe('r2-refresh-token');
  });

  it('invalid_grant in an HTTP 200 body: ReauthorizationRequiredError, record kept', async () => {
    const { sdk, store, id } = await setup([{ status: 200, json: { error: 'invalid_grant' } }]);
    const error = await sdk.getAccessToken().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ReauthorizationRequiredError);
    expect(error).toMatchObject({ code: 'REAUTHORIZATION_REQUIRED', oauthError: 'invalid_grant', status: 200, userName: 'u@example.test' });
    expect((await store.findTokenById(id))?.refreshToken).toBe('r0-refresh-token');
  });

  it('an expired access token with nothing to refresh it: ReauthorizationRequiredError, no request', async () => {
    const fetch = scriptedFetch([]);
    const sdk = await Initializer.initialize({ environment, store: new MemoryStore(), fetch, token: { accessToken: 'only-access', expiresAt: Date.now() - 1 } });
    await expect(sdk.getAccessToken()).rejects.toBeInstanceOf(ReauthorizationRequiredError);
    expect(fetch.calls).toHaveLength(0);
    // Unknown expiry and no way to refresh: used until the API rejects it.
    const unknown = await Initializer.initialize({ environment, store: new MemoryStore(), fetch, token: { accessToken: 'only-access' } });
    expect(await unknown.getAccessToken()).toBe('only-access');
  });
});

describe('grant token exchange', () => {
  const grant = { clientId: 'cid', clientSecret: 'csecret', grantToken: 'the-one-code', redirectUrl: 'https://app.test/cb', userSignature: { name: 'g@example.test' } };

  it('is never retried, even after a transient failure', async () => {
    const fetch = scriptedFetch([{ status: 503 }, { json: tokenBody(1) }]);
    const sdk = await Initializer.initialize({ environment, store: new MemoryStore(), fetch, token: grant, refresh: FAST });
    await expect(sdk.getAccessToken()).rejects.toBeInstanceOf(TransportError);
    expect(fetch.calls).toHaveLength(1);
    const again = await sdk.getAccessToken().catch((e: unknown) => e);
    expect(again).toBeInstanceOf(ReauthorizationRequiredError);
    expect((again as Error).message).toContain('grant token was already used');
    expect(fetch.calls).toHaveLength(1);
  });

  it('exchanges, saves, and keeps the grant token on the record (so it is never exchanged twice)', async () => {
    const store = new MemoryStore();
    const fetch = scriptedFetch([{ json: tokenBody(1, { refresh_token: 'r-from-code', api_domain: 'https://api.example.test' }) }]);
    const sdk = await Initializer.initialize({ environment, store, fetch, token: grant, refresh: FAST });
    await sdk.getAccessToken();
    const [record] = await store.getTokens();
    expect(record?.grantToken).toBe('the-one-code');
    expect(record?.refreshToken).toBe('r-from-code');
    expect(record?.apiDomain).toBe('https://api.example.test');
    const restarted = await Initializer.initialize({ environment, store, fetch, token: grant });
    expect(await restarted.getAccessToken()).toBe(tokenBody(1).access_token);
    expect(fetch.calls).toHaveLength(1);
  });
});

describe('persistence failures', () => {
  it('TokenPersistError: thrown loudly once, token kept in memory, save retried until it lands', async () => {
    const store = new FlakyStore();
    const { sdk, fetch, failed, refreshed, id } = await setup([{ json: tokenBody(1, { refresh_token: 'r1-refresh-token' }) }], { store });
    store.failSaves = 3; // saveRetries 2 -> three attempts fail

    const results = await Promise.allSettled([sdk.getAccessToken(), sdk.getAccessToken(), sdk.getAccessToken()]);
    for (const result of results) {
      expect(result.status).toBe('rejected');
      expect((result as PromiseRejectedResult).reason).toBeInstanceOf(TokenPersistError);
      expect((result as PromiseRejectedResult).reason.cause).toMatchObject({ code: 'STORE_UNAVAILABLE' });
    }
    expect(failed.map((f) => f.error.code)).toEqual(['TOKEN_PERSIST_FAILED']);
    expect(refreshed).toHaveLength(0);
    expect((await store.findTokenById(id))?.refreshToken).toBe('r0-refresh-token');

    // The new token keeps working from memory, with no new token request.
    expect(await sdk.getAccessToken()).toBe(tokenBody(1).access_token);
    expect(fetch.calls).toHaveLength(1);

    // The pending save is retried in the background and lands.
    await new Promise((r) => setTimeout(r, 20));
    await sdk.getAccessToken();
    await sdk.close();
    expect((await store.findTokenById(id))?.refreshToken).toBe('r1-refresh-token');
    expect(refreshed.map((e) => e.tokenId)).toEqual([id]);
  });

  it('close() surfaces a save that still fails', async () => {
    const store = new FlakyStore();
    const { sdk } = await setup([{ json: tokenBody(1) }], { store });
    store.failSaves = 100;
    await expect(sdk.getAccessToken()).rejects.toBeInstanceOf(TokenPersistError);
    await expect(sdk.close()).rejects.toBeInstanceOf(TokenPersistError);
  });
});

describe('store lease', () => {
  it('RefreshLockTimeoutError when another process holds the lease too long; no token request', async () => {
    const store = new MemoryStore();
    const ctx = await setup([{ json: tokenBody(1) }], { store, refresh: { lockWaitMs: 60 } });
    const key = `tokenstore:refresh:${tokenKey(ctx.sdk.token)}`;
    expect(await store.lock?.acquire(key, 'other-process', 60_000)).toBe(true);
    const error = await ctx.sdk.getAccessToken().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RefreshLockTimeoutError);
    expect(error).toMatchObject({ code: 'REFRESH_LOCK_TIMEOUT' });
    expect(ctx.fetch.calls).toHaveLength(0);

    await store.lock?.release(key, 'other-process');
    expect(await ctx.sdk.getAccessToken()).toBe(tokenBody(1).access_token);
  });

  it('a waiter takes the token the lease holder saved without waiting for the release', async () => {
    const store = new MemoryStore();
    const ctx = await setup([], { store, refresh: { lockWaitMs: 5000 } });
    const key = `tokenstore:refresh:${tokenKey(ctx.sdk.token)}`;
    expect(await store.lock?.acquire(key, 'other-process', 60_000)).toBe(true);
    const pending = ctx.sdk.getAccessToken();
    // The other process refreshes and saves, but keeps holding its lease.
    setTimeout(() => {
      const current = ctx.sdk.token;
      void store.saveToken(current.with({ accessToken: 'a1-from-other-process', refreshToken: 'r1-rotated', expiresAt: Date.now() + 3_600_000 }));
    }, 50);
    expect(await pending).toBe('a1-from-other-process');
    expect(ctx.fetch.calls).toHaveLength(0);
    // The lease is still the other process's: the waiter never took it.
    expect(await store.lock?.acquire(key, 'third-process', 1000)).toBe(false);
  });

  it('a crashed holder blocks only until its lease expires', async () => {
    const clock = new ManualClock();
    const store = new MemoryStore({ now: clock.now });
    const ctx = await setup([{ json: tokenBody(1) }], { store, clock, refresh: { lockWaitMs: 2000 } });
    const key = `tokenstore:refresh:${tokenKey(ctx.sdk.token)}`;
    await store.lock?.acquire(key, 'crashed-process', 150);
    const started = clock.now();
    expect(await clock.settle(ctx.sdk.getAccessToken(), 5)).toBe(tokenBody(1).access_token);
    expect(clock.now() - started).toBeGreaterThanOrEqual(150);
    expect(clock.now() - started).toBeLessThan(2000);
  });

  it('uses a random owner and releases the lease after saving', async () => {
    const store = new MemoryStore();
    const owners: string[] = [];
    const lock = store.lock as NonNullable<MemoryStore['lock']>;
    const acquire = lock.acquire.bind(lock);
    Object.defineProperty(store, 'lock', {
      value: { acquire: (k: string, o: string, t: number) => (owners.push(o), acquire(k, o, t)), release: lock.release.bind(lock) },
    });
    const ctx = await setup([{ json: tokenBody(1) }, { json: tokenBody(2) }], { store });
    await ctx.sdk.getAccessToken();
    // A second instance can take the lease right away: it was released.
    await store.saveToken(((await store.findTokenById(ctx.id)) as OAuthToken).with({ expiresAt: Date.now() - 1 }));
    const other = await Initializer.initialize({ environment, store, fetch: ctx.fetch, token: { id: ctx.id }, refresh: { ...FAST, lockWaitMs: 0 } });
    expect(await other.getAccessToken()).toBe(tokenBody(2).access_token);
    expect(new Set(owners).size).toBe(2);
    for (const owner of owners) expect(owner).toMatch(/^[0-9a-f-]{36}$/);
  });
});

describe('events', () => {
  it('tokenRefreshed is emitted after the save completed', async () => {
    const order: string[] = [];
    class Recording extends MemoryStore {
      override async saveToken(token: OAuthToken): Promise<OAuthToken> {
        const saved = await super.saveToken(token);
        order.push(`saved ${saved.accessToken}`);
        return saved;
      }
    }
    const store = new Recording();
    const ctx = await setup([{ json: tokenBody(1) }], { store });
    order.length = 0;
    ctx.sdk.on('tokenRefreshed', (e) => void order.push(`event ${e.token.accessToken}`));
    await ctx.sdk.getAccessToken();
    expect(order).toEqual([`saved ${tokenBody(1).access_token}`, `event ${tokenBody(1).access_token}`]);
  });

  it('a throwing listener does not break the refresh; off() removes a listener', async () => {
    const ctx = await setup([{ json: tokenBody(1) }]);
    const calls: string[] = [];
    const listener = () => void calls.push('x');
    ctx.sdk.on('tokenRefreshed', () => {
      throw new Error('listener bug');
    });
    ctx.sdk.on('tokenRefreshed', listener);
    ctx.sdk.off('tokenRefreshed', listener);
    expect(await ctx.sdk.getAccessToken()).toBe(tokenBody(1).access_token);
    expect(calls).toEqual([]);
  });
});

describe('skew', () => {
  it('refreshes min(configured, half the lifetime) before expiry', async () => {
    let clock = Date.now();
    const now = () => clock;
    const ctx = await setup([{ json: tokenBody(1, { expires_in: 3600 }) }, { json: tokenBody(2, { expires_in: 10 }) }, { json: tokenBody(3, { expires_in: 10 }) }], { now });
    const first = await ctx.sdk.getToken();
    expect(first.expiresAt).toBe(clock + 3_600_000);

    clock = (first.expiresAt as number) - 61_000; // skew = min(60 s, 30 min) = 60 s
    expect(await ctx.sdk.getAccessToken()).toBe(tokenBody(1).access_token);
    clock = (first.expiresAt as number) - 59_000;
    expect(await ctx.sdk.getAccessToken()).toBe(tokenBody(2).access_token);

    const second = await ctx.sdk.getToken(); // lifetime 10 s -> skew 5 s
    clock = (second.expiresAt as number) - 5_500;
    expect(await ctx.sdk.getAccessToken()).toBe(tokenBody(2).access_token);
    clock = (second.expiresAt as number) - 4_500;
    expect(await ctx.sdk.getAccessToken()).toBe(tokenBody(3).access_token);
    expect(ctx.fetch.calls).toHaveLength(3);
  });

  it('honours a smaller configured skew', async () => {
    let clock = Date.now();
    const ctx = await setup([{ json: tokenBody(1, { expires_in: 3600 }) }], { now: () => clock, refresh: { skewMs: 1000 } });
    const token = await ctx.sdk.getToken();
    clock = (token.expiresAt as number) - 1500;
    expect(await ctx.sdk.getAccessToken()).toBe(tokenBody(1).access_token);
    expect(ctx.fetch.calls).toHaveLength(1);
  });
});

describe('fetch()', () => {
  it('refuses to send the token to another origin', async () => {
    const { sdk, fetch } = await setup([{ json: tokenBody(1) }]);
    await expect(sdk.fetch('https://evil.example.test/steal')).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
    expect(fetch.calls).toHaveLength(1); // only the refresh
  });

  it('joins paths onto the API URL and sends Bearer', async () => {
    const { sdk, fetch } = await setup([{ json: tokenBody(1) }, { status: 200, json: { ok: true } }, { status: 200, json: { ok: true } }]);
    await sdk.fetch('/items?limit=1', { method: 'POST', body: '{}' });
    await sdk.fetch(new URL('https://api.example.test/v1/other'));
    expect(fetch.calls[1]?.url).toBe('https://api.example.test/v1/items?limit=1');
    expect(fetch.calls[1]?.method).toBe('POST');
    expect(fetch.calls[1]?.headers.get('authorization')).toBe(`Bearer ${tokenBody(1).access_token}`);
    expect(fetch.calls[2]?.url).toBe('https://api.example.test/v1/other');
  });

  it('on 401 refreshes once and retries once; a second 401 is returned as is', async () => {
    const { sdk, fetch } = await setup([{ json: tokenBody(1) }, { status: 401 }, { json: tokenBody(2) }, { status: 401 }]);
    const response = await sdk.fetch('/me');
    expect(response.status).toBe(401);
    expect(fetch.calls.map((c) => c.url)).toEqual(['https://auth.example.test/token', 'https://api.example.test/v1/me', 'https://auth.example.test/token', 'https://api.example.test/v1/me']);
    expect(fetch.calls[3]?.headers.get('authorization')).toBe(`Bearer ${tokenBody(2).access_token}`);
  });

  it('does not replay a streamed body', async () => {
    const { sdk, fetch } = await setup([{ json: tokenBody(1) }, { status: 401 }]);
    const body = new ReadableStream({ start: (c) => (c.enqueue(new TextEncoder().encode('x')), c.close()) });
    const response = await sdk.fetch('/upload', { method: 'POST', body, duplex: 'half' } as RequestInit);
    expect(response.status).toBe(401);
    expect(fetch.calls).toHaveLength(2);
  });

  it("Zoho: Zoho-oauthtoken, the token's api_domain in production, the environment's URL in sandbox", async () => {
    for (const [env, expected] of [
      [zohoEnvironment('EU'), 'https://www.zohoapis.eu/crm/v8/Leads'],
      [zohoEnvironment('EU', 'sandbox'), 'https://sandbox.zohoapis.eu/crm/v8/Leads'],
      [USDataCenter.PRODUCTION(), 'https://www.zohoapis.eu/crm/v8/Leads'],
    ] as const) {
      const fetch = scriptedFetch([{ json: tokenBody(1, { api_domain: 'https://www.zohoapis.eu' }) }, { json: { data: [] } }]);
      const sdk = await Initializer.initialize({ environment: env, store: new MemoryStore(), fetch, token: { clientId: 'cid', clientSecret: 's', refreshToken: 'r0-refresh-token' } });
      await sdk.fetch('/crm/v8/Leads');
      expect(fetch.calls[0]?.url).toBe(env.tokenEndpoint);
      expect(fetch.calls[1]?.url).toBe(expected);
      expect(fetch.calls[1]?.headers.get('authorization')).toBe(`Zoho-oauthtoken ${tokenBody(1).access_token}`);
    }
  });
});

describe('options and flows', () => {
  it('validates options', async () => {
    const store = new MemoryStore();
    const token = { accessToken: 'x-access' };
    await expect(Initializer.initialize({ environment, store, token, refresh: { timeoutMs: 1000, lockTtlMs: 1000 } })).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
    await expect(Initializer.initialize({ environment, store, token, refresh: { retries: -1 } })).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
    await expect(Initializer.initialize({ environment, store, token: { refreshToken: 'r-no-client' } })).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
    await expect(Initializer.initialize({ environment, store, token: {} })).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
    await expect(Initializer.initialize({ environment: undefined as never, store, token })).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
    await expect(Initializer.initialize({ environment, store: undefined as never, token })).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
  });

  it('prefers the stored (possibly rotated) refresh token over the configured one', async () => {
    const store = new MemoryStore();
    await store.saveToken(new OAuthToken({ userSignature: { name: 'r@x.test' }, clientId: 'cid', refreshToken: 'r9-rotated-token', accessToken: 'old', expiresAt: Date.now() - 1 }));
    const fetch = scriptedFetch([{ json: tokenBody(1) }]);
    const sdk = await Initializer.initialize({ environment, store, fetch, token: { userSignature: { name: 'r@x.test' }, clientId: 'cid', clientSecret: 'new-secret', refreshToken: 'r0-configured' } });
    await sdk.getAccessToken();
    expect(fetch.calls[0]?.form.get('refresh_token')).toBe('r9-rotated-token');
    expect(fetch.calls[0]?.form.get('client_secret')).toBe('new-secret');
  });

  it('revoke() without a revocation endpoint deletes the record only', async () => {
    const env = customEnvironment({ tokenEndpoint: 'https://auth.example.test/token' });
    const store = new MemoryStore();
    const saved = await store.saveToken(new OAuthToken({ clientId: 'cid', refreshToken: 'r-x-token', accessToken: 'a', expiresAt: Date.now() + 3_600_000 }));
    const fetch = scriptedFetch([]);
    const sdk = await Initializer.initialize({ environment: env, store, fetch, token: { id: saved.id } });
    await sdk.revoke();
    expect(await store.getTokens()).toHaveLength(0);
    expect(fetch.calls).toHaveLength(0);
  });

  it('is inspectable without secrets and carries no global state', async () => {
    const { sdk } = await setup([{ json: tokenBody(1) }]);
    expect(JSON.parse(JSON.stringify(sdk))).toEqual({ environment: 'custom', tokenId: sdk.token.id, user: 'u@example.test', closed: false });
  });
});
