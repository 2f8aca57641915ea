/**
 * What `sdk.fetch` puts on the wire: never an access token that cannot be a header value (it would make
 * fetch throw a TypeError quoting the secret), and never a bearer token to an api_domain the
 * environment's own URL rules would refuse (plain http to a non-loopback host, credentials in the URL).
 */
import { describe, expect, it } from 'vitest';
import {
  Initializer,
  MemoryStore,
  OAuthToken,
  customEnvironment,
  isTokenStoreError,
  zohoEnvironment,
  type Environment,
  type FetchLike,
  type OAuthTokenInit,
} from '../src/index.js';
import { tokenBody } from './helpers/fake-fetch.js';
import { captureLogger } from './helpers/stores.js';

const environment = customEnvironment({ tokenEndpoint: 'https://auth.example.test/token', preferTokenApiDomain: true, apiUrl: 'https://api.example.test' });
const BAD_TOKENS = ['a0\r\nx-injected: 1', 'a0\nsecret', 'a0\u0007bell', 'a0 with space', 'a0-accèss'];

/** A fetch that answers the token endpoint with `tokenBodies` (in order) and records every API request. */
function network(tokenBodies: Record<string, unknown>[], tokenEndpoint = environment.tokenEndpoint) {
  const api: { url: string; authorization: string | null }[] = [];
  let tokenCalls = 0;
  const fetch: FetchLike = async (input, init) => {
    const url = String(input instanceof Request ? input.url : input);
    if (url === tokenEndpoint) {
      const body = tokenBodies[tokenCalls++];
      if (!body) throw new Error('unexpected token request');
      return Response.json(body);
    }
    api.push({ url, authorization: new Headers(init?.headers).get('authorization') });
    return new Response('ok');
  };
  return { fetch, api, tokenRequests: () => tokenCalls };
}

async function withStored(fields: Partial<OAuthTokenInit>, tokenBodies: Record<string, unknown>[], env: Environment = environment) {
  const store = new MemoryStore();
  const stored = await store.saveToken(new OAuthToken({ userSignature: { name: 'u' }, clientId: 'cid', clientSecret: 'cs', expiresAt: Date.now() + 3_600_000, ...fields }));
  const net = network(tokenBodies, env.tokenEndpoint);
  const { logger, lines } = captureLogger();
  const sdk = await Initializer.initialize({ environment: env, store, fetch: net.fetch, token: { id: stored.id }, logger });
  return { sdk, store, id: stored.id as string, lines, ...net };
}

const settle = (promise: Promise<unknown>) =>
  promise.then(
    () => ({ ok: true as const, code: undefined, message: '' }),
    (error: unknown) => ({ ok: false as const, code: isTokenStoreError(error) ? error.code : `uncoded ${(error as Error)?.name}`, message: String((error as Error)?.message) + String((error as Error)?.stack) }),
  );

describe('an access token that cannot be a header value (9a)', () => {
  it.each(BAD_TOKENS)('from the store (%j) with a refresh token: treated as unusable and refreshed; fetch sends the new one', async (bad) => {
    const { sdk, api, tokenRequests } = await withStored({ accessToken: bad, refreshToken: 'r0' }, [tokenBody(1)]);
    const response = await sdk.fetch('/v1/things');
    expect(response.status).toBe(200);
    expect(api).toEqual([{ url: 'https://api.example.test/v1/things', authorization: `Bearer ${tokenBody(1).access_token}` }]);
    expect(tokenRequests()).toBe(1);
  });

  it.each(BAD_TOKENS)('from the store (%j) without a refresh token: a coded error that does not contain it, nothing sent', async (bad) => {
    const { sdk, api } = await withStored({ accessToken: bad }, []);
    for (const call of [sdk.fetch('/v1/things'), sdk.getAccessToken()]) {
      const outcome = await settle(call);
      expect(outcome.ok).toBe(false);
      expect(outcome.code).toBe('REAUTHORIZATION_REQUIRED');
      expect(outcome.message).not.toContain(bad);
    }
    expect(api).toEqual([]);
  });

  it('configured directly ({ accessToken }): the same coded error, never a TypeError quoting it', async () => {
    const net = network([]);
    const sdk = await Initializer.initialize({ environment, store: new MemoryStore(), fetch: net.fetch, token: { accessToken: 'conf\r\nigured', expiresAt: Date.now() + 60_000 } });
    const outcome = await settle(sdk.fetch('/v1/things'));
    expect(outcome).toMatchObject({ ok: false, code: 'REAUTHORIZATION_REQUIRED' });
    expect(outcome.message).not.toContain('conf\r\nigured');
  });

  it('a header of the caller that fetch refuses: INVALID_ARGUMENT naming the header, not its value', async () => {
    const { sdk } = await withStored({ accessToken: 'a0-good', refreshToken: 'r0' }, []);
    const outcome = await settle(sdk.fetch('/v1/things', { headers: { 'x-note': 'line\r\nbreak-secret' } }));
    expect(outcome).toMatchObject({ ok: false, code: 'INVALID_ARGUMENT' });
    expect(outcome.message).not.toContain('break-secret');
  });
});

describe('an api_domain the environment would refuse (9b)', () => {
  it.each([
    ['plain http to a non-loopback host', 'http://127.0.0.2:8080'],
    ['plain http to a public host', 'http://api.example.test'],
    ['credentials in the URL', 'https://user:pw@api.example.test'],
    ['not http(s)', 'ftp://api.example.test'],
    ['not a URL', 'api example'],
  ])('from the token response (%s): ignored with a warning, the token goes to the configured apiUrl only', async (_name, domain) => {
    const { sdk, store, id, api, lines } = await withStored({ accessToken: 'a0', refreshToken: 'r0', expiresAt: Date.now() - 1000 }, [tokenBody(1, { api_domain: domain })]);
    await sdk.fetch('/v1/things');
    expect(api.map((a) => a.url)).toEqual(['https://api.example.test/v1/things']);
    expect((await store.findTokenById(id))?.apiDomain).toBeUndefined();
    expect(lines.some((l) => l.startsWith('warn') && l.includes('api_domain'))).toBe(true);
    if (/^[a-z]+:\/\//.test(domain) && new URL(domain).origin !== 'https://api.example.test') {
      // An absolute URL on the refused origin is refused too.
      expect(await settle(sdk.fetch(`${domain}/v1/things`))).toMatchObject({ ok: false, code: 'INVALID_ARGUMENT' });
      expect(api).toHaveLength(1);
    }
  });

  it('from the store (saved before this check): ignored the same way', async () => {
    const { sdk, api } = await withStored({ accessToken: 'a0', refreshToken: 'r0', apiDomain: 'http://10.0.0.1' }, []);
    await sdk.fetch('/v1/things');
    expect(api.map((a) => a.url)).toEqual(['https://api.example.test/v1/things']);
  });

  it('a Zoho api_domain over https is used (the preferred API base in production)', async () => {
    const { sdk, api } = await withStored({ accessToken: 'a0', refreshToken: 'r0', expiresAt: Date.now() - 1000 }, [tokenBody(1, { api_domain: 'https://www.zohoapis.eu' })], zohoEnvironment('US'));
    await sdk.fetch('/crm/v2/Leads');
    expect(api.map((a) => a.url)).toEqual(['https://www.zohoapis.eu/crm/v2/Leads']);
  });

  it('plain http on loopback stays allowed, as it is for configuration', async () => {
    const { sdk, api } = await withStored({ accessToken: 'a0', refreshToken: 'r0', expiresAt: Date.now() - 1000 }, [tokenBody(1, { api_domain: 'http://127.0.0.1:9999' })]);
    await sdk.fetch('/v1/things');
    expect(api.map((a) => a.url)).toEqual(['http://127.0.0.1:9999/v1/things']);
  });

  it('with allowInsecureHttp, plain http elsewhere is allowed for the api_domain too', async () => {
    const insecure = customEnvironment({ tokenEndpoint: 'https://auth.example.test/token', allowInsecureHttp: true });
    const { sdk, api } = await withStored({ accessToken: 'a0', refreshToken: 'r0', expiresAt: Date.now() - 1000 }, [tokenBody(1, { api_domain: 'http://10.0.0.1' })], insecure);
    await sdk.fetch('/v1/things');
    expect(api.map((a) => a.url)).toEqual(['http://10.0.0.1/v1/things']);
  });
});
