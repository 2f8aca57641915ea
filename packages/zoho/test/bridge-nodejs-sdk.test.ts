import { randomBytes } from 'node:crypto';
import { OAuthToken, customEnvironment } from '@tokenstore/core';
import { PostgresStore } from '@tokenstore/store-postgres';
// @ts-expect-error the Node.js SDK ships no type declarations
import * as sdk from '@zohocrm/nodejs-sdk-8.0';
import { TEST_URLS } from '@tokenstore/store-testkit';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { zohoSdkStore, type ZohoSdkTokenStore } from '../src/index.js';
import { startFakeZoho, type FakeZoho } from './helpers/fake-zoho.js';

const connectionString = TEST_URLS.postgres;

let zoho: FakeZoho;
let store: PostgresStore;
beforeEach(async () => {
  zoho = await startFakeZoho();
  store = new PostgresStore({ connectionString, table: `zoho_bridge_${randomBytes(4).toString('hex')}` });
});
afterEach(async () => {
  await store.deleteTokens();
  await store.close();
  await zoho.close();
});

async function initializeSdk(token: unknown): Promise<ZohoSdkTokenStore> {
  const environment = customEnvironment({ tokenEndpoint: zoho.tokenUrl, apiUrl: zoho.url, authorizationScheme: 'Zoho-oauthtoken' });
  const bridge = zohoSdkStore({ store, sdk, environment });
  await (await new sdk.InitializeBuilder()).environment(new sdk.Environment(zoho.url, zoho.tokenUrl, zoho.url)).token(token).store(bridge).initialize();
  return bridge;
}

const call = async (): Promise<number> => (await new sdk.Org.OrgOperations().getOrganization()).getStatusCode();

describe('ZohoSdkStore with @zohocrm/nodejs-sdk-8.0 2.0.0 on PostgresStore', () => {
  it('20 concurrent API calls on an expired stored token: one token request, every call authorised', async () => {
    const stored = await store.saveToken(new OAuthToken({ userSignature: { name: 'ana@example.com' }, clientId: zoho.clientId, clientSecret: zoho.clientSecret, refreshToken: zoho.issueRefreshToken(), accessToken: '1000.access.stale', expiresAt: Date.now() - 1000 }));
    await initializeSdk(new sdk.OAuthBuilder().id(stored.id).build());
    expect(await Promise.all(Array.from({ length: 20 }, call))).toEqual(Array(20).fill(204));
    expect(zoho.tokenRequests).toEqual({ refresh_token: 1, authorization_code: 0, other: 0 });
    expect(zoho.apiCalls).toEqual({ total: 20, authorised: 20 });
  });

  it('a token named by user (the SDK looks it up by findToken) gets its id and a valid access token', async () => {
    const stored = await store.saveToken(new OAuthToken({ userSignature: { name: 'bo@example.com' }, clientId: zoho.clientId, clientSecret: zoho.clientSecret, refreshToken: zoho.issueRefreshToken() }));
    const token = new sdk.OAuthBuilder().userSignature(new sdk.UserSignature('bo@example.com')).build();
    const bridge = await initializeSdk(token);
    // The Node.js SDK's InitializeBuilder.store() accepts only instances of its own TokenStore.
    expect(bridge).toBeInstanceOf(sdk.TokenStore.TokenStore);
    expect(await call()).toBe(204);
    expect(await call()).toBe(204);
    expect(token.getId()).toBe(stored.id);
    expect(zoho.tokenRequests.refresh_token).toBe(1);
  });
});
