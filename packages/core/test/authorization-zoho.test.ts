/**
 * Zoho's callback names the user's data center (`location`, `accounts-server`): the code is exchanged
 * there, and only at one of Zoho's own accounts hosts. Zoho's servers cannot be reached from the tests,
 * so the token endpoint is a scripted fetch that records where the code (and the client secret) went.
 */
import { describe, expect, it } from 'vitest';
import { MemoryStore, USDataCenter, completeAuthorization, createAuthorizationRequest, isTokenStoreError, type FetchLike } from '../src/index.js';

const SECRET = 'zoho-client-secret-value';

function recordingFetch(): { fetch: FetchLike; urls: string[] } {
  const urls: string[] = [];
  const fetch: FetchLike = async (input) => {
    urls.push(String(input));
    return new Response(JSON.stringify({ access_token: '1000.access.token.value', refresh_token: '1000.refresh.token.value', expires_in: 3600, api_domain: 'https://www.zohoapis.eu', token_type: 'Bearer' }), { headers: { 'content-type': 'application/json' } });
  };
  return { fetch, urls };
}

function pendingFor() {
  return createAuthorizationRequest({ environment: USDataCenter.PRODUCTION(), clientId: '1000.CLIENT', redirectUri: 'https://app.example.com/cb', scope: 'ZohoCRM.modules.ALL' }).pending;
}

async function complete(extra: Record<string, string>, fetch: FetchLike, store = new MemoryStore()) {
  const pending = pendingFor();
  return completeAuthorization({ environment: USDataCenter.PRODUCTION(), store, fetch, pending, user: 'zoe', clientSecret: SECRET, callback: { state: pending.state, code: '1000.code.value', ...extra } });
}

describe('completeAuthorization with Zoho location / accounts-server', () => {
  it('exchanges the code at the data center the callback names, and returns an Initializer for it', async () => {
    const { fetch, urls } = recordingFetch();
    const store = new MemoryStore();
    const sdk = await complete({ location: 'eu', 'accounts-server': 'https://accounts.zoho.eu' }, fetch, store);
    expect(urls).toEqual(['https://accounts.zoho.eu/oauth/v2/token']);
    expect(sdk.environment.name).toBe('zoho:EU:production');
    const [record] = await store.getTokens();
    expect(record?.apiDomain).toBe('https://www.zohoapis.eu');
    expect(record?.userSignature?.name).toBe('zoe');
  });

  it('location alone, or nothing, is enough', async () => {
    const one = recordingFetch();
    expect((await complete({ location: 'IN' }, one.fetch)).environment.name).toBe('zoho:IN:production');
    const none = recordingFetch();
    expect((await complete({}, none.fetch)).environment.name).toBe('zoho:US:production');
    expect([...one.urls, ...none.urls]).toEqual(['https://accounts.zoho.in/oauth/v2/token', 'https://accounts.zoho.com/oauth/v2/token']);
  });

  it('never sends the code or the secret to a host taken from the query', async () => {
    for (const server of ['https://evil.example.com', 'https://accounts.zoho.eu.evil.example.com', 'http://accounts.zoho.eu', 'https://accounts.zoho.eu/oauth', 'https://user@accounts.zoho.eu', 'https://accounts.zoho.eu:8443', 'accounts.zoho.eu']) {
      const { fetch, urls } = recordingFetch();
      const error = await complete({ 'accounts-server': server }, fetch).then(() => undefined, (e: unknown) => e);
      expect(isTokenStoreError(error, 'AUTHORIZATION_UNTRUSTED_ACCOUNTS_SERVER'), `${server}: ${String(error)}`).toBe(true);
      expect(urls).toEqual([]);
    }
    for (const extra of [{ location: 'mars' }, { location: 'eu', 'accounts-server': 'https://accounts.zoho.in' }] as Record<string, string>[]) {
      const { fetch, urls } = recordingFetch();
      const error = await complete(extra, fetch).then(() => undefined, (e: unknown) => e);
      expect(isTokenStoreError(error, 'AUTHORIZATION_UNTRUSTED_ACCOUNTS_SERVER'), String(error)).toBe(true);
      expect(urls).toEqual([]);
    }
  });
});
