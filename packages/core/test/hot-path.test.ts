/**
 * The hot path (a valid token in memory): what depends only on the token (its access token, the
 * header-safety check, its expiry minus the skew) is worked out once when the token is adopted, so a
 * call reads the clock and compares, and nothing else; the rule itself stays exact at its boundary.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { Initializer, MemoryStore, OAuthToken, customEnvironment } from '../src/index.js';
import { ManualClock } from './helpers/manual-clock.js';

const environment = customEnvironment({ tokenEndpoint: 'https://auth.example.test/token', apiUrl: 'https://api.example.test' });

async function validToken(clock: ManualClock, lifetimeMs: number, skewMs: number) {
  const store = new MemoryStore();
  await store.saveToken(new OAuthToken({ userSignature: { name: 'hot@example.test' }, clientId: 'cid', refreshToken: 'r0', accessToken: 'a0', expiresAt: clock.now() + lifetimeMs }));
  const fetch = vi.fn(async () => Response.json({ access_token: 'a1', refresh_token: 'r1', expires_in: 3600 }));
  const sdk = await Initializer.initialize({ environment, store, fetch, clock, token: { userSignature: { name: 'hot@example.test' } }, refresh: { skewMs } });
  return { sdk, fetch };
}

afterEach(() => vi.restoreAllMocks());

describe('getAccessToken() on a valid token', () => {
  it("reads none of the token's fields per call: they were checked once, when the token was adopted", async () => {
    const clock = new ManualClock();
    const { sdk, fetch } = await validToken(clock, 3_600_000, 60_000);
    expect(await sdk.getAccessToken()).toBe('a0');
    const getters = (['accessToken', 'expiresAt', 'refreshToken', 'grantToken'] as const).map((field) => vi.spyOn(OAuthToken.prototype, field, 'get'));
    const isExpired = vi.spyOn(OAuthToken.prototype, 'isExpired');
    for (let i = 0; i < 1000; i++) expect(await sdk.getAccessToken()).toBe('a0');
    expect(getters.map((g) => g.mock.calls.length)).toEqual([0, 0, 0, 0]);
    expect(isExpired).not.toHaveBeenCalled();
    expect(fetch).not.toHaveBeenCalled();
  });

  it('is valid until exactly expiresAt - skew on the clock, then refreshes (and the new token is checked anew)', async () => {
    const clock = new ManualClock();
    const { sdk, fetch } = await validToken(clock, 10_000, 1000);
    await clock.advance(8999);
    expect(await sdk.getAccessToken()).toBe('a0'); // now + skew = expiresAt - 1
    await clock.advance(1);
    expect(await sdk.getAccessToken()).toBe('a1'); // now + skew = expiresAt: refreshed
    expect(fetch).toHaveBeenCalledTimes(1);
    expect(await sdk.getAccessToken()).toBe('a1');
    expect(fetch).toHaveBeenCalledTimes(1);
  });
});

describe('the promise getAccessToken() hands out', () => {
  it('is one settled promise while the token is valid (nothing allocated per call), and a new one for a new token', async () => {
    const clock = new ManualClock();
    const { sdk } = await validToken(clock, 10_000, 1000);
    const first = sdk.getAccessToken();
    expect(sdk.getAccessToken()).toBe(first);
    expect(await first).toBe('a0');
    await clock.advance(9000); // within the skew: refreshed
    const refreshed = sdk.getAccessToken();
    expect(refreshed).not.toBe(first);
    expect(await refreshed).toBe('a1');
    const next = sdk.getAccessToken();
    expect(next).not.toBe(first);
    expect(await next).toBe('a1');
    expect(sdk.getAccessToken()).toBe(next);
    expect(await first).toBe('a0'); // a promise already handed out keeps its value
    await sdk.close();
    await expect(sdk.getAccessToken()).rejects.toMatchObject({ code: expect.any(String) });
  });
});
