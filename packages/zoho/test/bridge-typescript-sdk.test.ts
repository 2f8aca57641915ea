import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { OAuthToken, customEnvironment } from '@tokenstore/core';
import { SQLiteStore } from '@tokenstore/store-sqlite';
import * as sdk from '@zohocrm/typescript-sdk-8.0';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ZohoSdkStore, zohoSdkStore } from '../src/index.js';
import { startFakeZoho, type FakeZoho } from './helpers/fake-zoho.js';

let zoho: FakeZoho;
let dir: string;
let store: SQLiteStore;
beforeEach(async () => {
  zoho = await startFakeZoho();
  dir = mkdtempSync(join(tmpdir(), 'zoho-bridge-'));
  store = new SQLiteStore({ filename: join(dir, 'tokens.db') });
});
afterEach(async () => {
  await store.close();
  await zoho.close();
  rmSync(dir, { recursive: true, force: true });
});

function bridge(): ZohoSdkStore {
  const environment = customEnvironment({ tokenEndpoint: zoho.tokenUrl, apiUrl: zoho.url, authorizationScheme: 'Zoho-oauthtoken' });
  return new ZohoSdkStore({ store, sdk, environment });
}

async function initializeSdk(token: sdk.OAuthToken, tokenStore: ZohoSdkStore): Promise<void> {
  await new sdk.InitializeBuilder().environment(new sdk.Environment(zoho.url, zoho.tokenUrl, zoho.url)).token(token).store(tokenStore as never).initialize();
}

const call = async () => (await new sdk.Org.OrgOperations().getOrganization()).getStatusCode();

describe('ZohoSdkStore with @zohocrm/typescript-sdk-8.0 3.0.0', () => {
  it('20 concurrent API calls on an expired stored token: one token request, every call authorised', async () => {
    const stored = await store.saveToken(new OAuthToken({ userSignature: { name: 'ana@example.com' }, clientId: zoho.clientId, clientSecret: zoho.clientSecret, refreshToken: zoho.issueRefreshToken(), accessToken: '1000.access.stale', expiresAt: Date.now() - 1000 }));
    await initializeSdk(new sdk.OAuthBuilder().id(stored.id as string).build(), bridge());
    const statuses = await Promise.all(Array.from({ length: 20 }, call));
    expect(statuses).toEqual(Array(20).fill(204));
    expect(zoho.tokenRequests).toEqual({ refresh_token: 1, authorization_code: 0, other: 0 });
    expect(zoho.apiCalls).toEqual({ total: 20, authorised: 20 });
    // The refreshed token is in the tokenstore store, as epoch milliseconds.
    const after = await store.findTokenById(stored.id as string);
    expect(after?.accessToken).not.toBe('1000.access.stale');
    expect(after?.expiresAt).toBeGreaterThan(Date.now() + 3_000_000);
  });

  it('a token given by refresh token (no id): found by refresh token, the id set on the SDK token, later calls by id with no token request', async () => {
    const refreshToken = zoho.issueRefreshToken();
    const stored = await store.saveToken(new OAuthToken({ clientId: zoho.clientId, clientSecret: zoho.clientSecret, refreshToken }));
    const token = new sdk.OAuthBuilder().clientId(zoho.clientId).clientSecret(zoho.clientSecret).refreshToken(refreshToken).build() as sdk.OAuthToken;
    await initializeSdk(token, bridge());
    expect(await call()).toBe(204);
    expect(token.getId()).toBe(stored.id);
    expect(await call()).toBe(204);
    expect(zoho.tokenRequests.refresh_token).toBe(1);
    expect((await store.getTokens()).length).toBe(1);
  });

  it('a grant token not yet stored is exchanged once by the engine and saved', async () => {
    const token = new sdk.OAuthBuilder().clientId(zoho.clientId).clientSecret(zoho.clientSecret).grantToken(zoho.issueGrantToken()).redirectURL('https://app.example.com/cb').build() as sdk.OAuthToken;
    await initializeSdk(token, bridge());
    expect(await Promise.all([call(), call(), call()])).toEqual([204, 204, 204]);
    expect(zoho.tokenRequests).toEqual({ refresh_token: 0, authorization_code: 1, other: 0 });
    const [saved] = await store.getTokens();
    expect(saved?.refreshToken).toMatch(/^1000\.refresh\./);
    expect(saved?.redirectUrl).toBe('https://app.example.com/cb');
  });

  it('a stored token with 4 s left (the SDK would refresh it itself under 5 s) is refreshed once by the engine, and the SDK does not refresh the 6 s token it gets', async () => {
    const shortZoho = await startFakeZoho({ expiresInSec: 6 });
    try {
      const stored = await store.saveToken(new OAuthToken({ clientId: shortZoho.clientId, clientSecret: shortZoho.clientSecret, refreshToken: shortZoho.issueRefreshToken(), accessToken: '1000.access.short', expiresAt: Date.now() + 4000 }));
      const environment = customEnvironment({ tokenEndpoint: shortZoho.tokenUrl, apiUrl: shortZoho.url, authorizationScheme: 'Zoho-oauthtoken' });
      const tokenStore = new ZohoSdkStore({ store, sdk, environment });
      await new sdk.InitializeBuilder().environment(new sdk.Environment(shortZoho.url, shortZoho.tokenUrl, shortZoho.url)).token(new sdk.OAuthBuilder().id(stored.id as string).build()).store(tokenStore as never).initialize();
      expect(await call()).toBe(204);
      expect(shortZoho.tokenRequests.refresh_token).toBe(1);
      const after = await store.findTokenById(stored.id as string);
      expect(after?.accessToken).toMatch(/^1000\.access\.\d/);
      expect(after?.expiresAt).toBeGreaterThan(Date.now() + 4000);
      expect((await store.getTokens()).length).toBe(1);
    } finally {
      await shortZoho.close();
    }
  });

  it('saveToken (what the SDK calls after refreshing by itself) stores the SDK token, expiresIn as epoch ms, and sets its id', async () => {
    const tokenStore = bridge();
    const token = new sdk.OAuthToken(zoho.clientId, zoho.clientSecret, null, '1000.refresh.x', null, null, '1000.access.x', new sdk.UserSignature('bob@example.com:7000'));
    token.setExpiresIn('1796122257178');
    await tokenStore.saveToken(token);
    const stored = await store.findToken(new OAuthToken({ userSignature: { name: 'bob@example.com:7000' } }));
    expect(token.getId()).toBe(stored?.id);
    expect(stored?.toRecord()).toMatchObject({ clientId: zoho.clientId, refreshToken: '1000.refresh.x', accessToken: '1000.access.x', expiresAt: 1796122257178 });
    const bad = new sdk.OAuthToken(zoho.clientId, null, null, '1000.refresh.y', null, null, null, null);
    bad.setExpiresIn('soon');
    await expect(tokenStore.saveToken(bad)).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
    expect((await store.getTokens()).length).toBe(1);
  });

  it('zohoSdkStore accepts the whole SDK namespace (its TokenStore export is only a type there)', async () => {
    const environment = customEnvironment({ tokenEndpoint: zoho.tokenUrl, apiUrl: zoho.url, authorizationScheme: 'Zoho-oauthtoken' });
    const stored = await store.saveToken(new OAuthToken({ clientId: zoho.clientId, clientSecret: zoho.clientSecret, refreshToken: zoho.issueRefreshToken() }));
    await new sdk.InitializeBuilder().environment(new sdk.Environment(zoho.url, zoho.tokenUrl, zoho.url)).token(new sdk.OAuthBuilder().id(stored.id as string).build()).store(zohoSdkStore({ store, sdk, environment }) as never).initialize();
    expect(await call()).toBe(204);
  });

  it('an unknown id resolves null (the SDK then uses its own token)', async () => {
    expect(await bridge().findTokenById('no-such-id')).toBeNull();
  });
});
