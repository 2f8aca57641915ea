/**
 * The token endpoint client under faults a real server cannot produce on demand (scripted fake fetch):
 * 5xx, 429 with Retry-After, timeouts, HTTP 200 with an error body, non-JSON, missing access_token,
 * expires_in as a numeric string.
 */
import { describe, expect, it } from 'vitest';
import {
  InvalidClientError,
  InvalidGrantError,
  InvalidScopeError,
  InvalidTokenResponseError,
  OAuthError,
  TokenEndpointClient,
  TransportError,
  customEnvironment,
  isTokenStoreError,
  parseRetryAfter,
  zohoEnvironment,
} from '../src/index.js';
import { scriptedFetch, tokenBody, type Step } from './helpers/fake-fetch.js';

const environment = customEnvironment({ tokenEndpoint: 'https://auth.example.test/token', revocationEndpoint: 'https://auth.example.test/revoke' });
const SECRET = 'client-secret-XYZ';
const REFRESH = 'refresh-token-ABC';

function client(steps: Step[], options: { timeoutMs?: number; now?: () => number } = {}) {
  const fetch = scriptedFetch(steps);
  return { fetch, client: new TokenEndpointClient({ environment, fetch, ...options }) };
}

const refresh = (c: TokenEndpointClient) => c.refresh({ clientId: 'cid', clientSecret: SECRET, refreshToken: REFRESH });

describe('TokenEndpointClient requests', () => {
  it('POSTs a form body with client_secret_post credentials, nothing in the URL', async () => {
    const { fetch, client: c } = client([{ json: tokenBody(1) }]);
    await refresh(c);
    const [call] = fetch.calls;
    expect(call?.url).toBe('https://auth.example.test/token');
    expect(call?.method).toBe('POST');
    expect(call?.headers.get('content-type')).toBe('application/x-www-form-urlencoded');
    expect(Object.fromEntries(call?.form ?? [])).toEqual({ grant_type: 'refresh_token', refresh_token: REFRESH, client_id: 'cid', client_secret: SECRET });
    expect(call?.url).not.toContain(REFRESH);
  });

  it('sends authorization_code with redirect_uri for a grant exchange', async () => {
    const { fetch, client: c } = client([{ json: tokenBody(1, { refresh_token: 'r1' }) }]);
    const result = await c.exchangeGrantToken({ clientId: 'cid', clientSecret: SECRET, grantToken: 'the-code', redirectUrl: 'https://app.test/cb' });
    expect(Object.fromEntries(fetch.calls[0]?.form ?? [])).toEqual({
      grant_type: 'authorization_code',
      code: 'the-code',
      client_id: 'cid',
      client_secret: SECRET,
      redirect_uri: 'https://app.test/cb',
    });
    expect(result.refreshToken).toBe('r1');
  });

  it('revokes with the token in the form body (RFC 7009)', async () => {
    const { fetch, client: c } = client([{ status: 200, text: '' }]);
    await c.revoke({ clientId: 'cid', clientSecret: SECRET, token: REFRESH, tokenTypeHint: 'refresh_token' });
    expect(fetch.calls[0]?.url).toBe('https://auth.example.test/revoke');
    expect(fetch.calls[0]?.form.get('token')).toBe(REFRESH);
    expect(fetch.calls[0]?.form.get('token_type_hint')).toBe('refresh_token');
  });

  it('uses Zoho endpoints for Zoho environments', async () => {
    const fetch = scriptedFetch([{ json: tokenBody(1, { api_domain: 'https://www.zohoapis.eu' }) }]);
    const c = new TokenEndpointClient({ environment: zohoEnvironment('EU'), fetch });
    const result = await refresh(c);
    expect(fetch.calls[0]?.url).toBe('https://accounts.zoho.eu/oauth/v2/token');
    expect(result.apiDomain).toBe('https://www.zohoapis.eu');
  });
});

describe('TokenEndpointClient responses', () => {
  it('computes expiresAt from the time the request was sent', async () => {
    let clock = 1_000_000;
    const { client: c } = client([(() => {
      clock += 5_000; // the answer takes 5 s
      return new Response(JSON.stringify(tokenBody(1, { expires_in: 60 })), { status: 200 });
    }) as Step], { now: () => clock });
    const result = await refresh(c);
    expect(result.expiresAt).toBe(1_000_000 + 60_000);
    expect(result.expiresInMs).toBe(60_000);
  });

  it('accepts expires_in as a numeric string, and Zoho expires_in_sec', async () => {
    const { client: c } = client([{ json: tokenBody(1, { expires_in: '3600' }) }, { json: tokenBody(2, { expires_in: 3_600_000, expires_in_sec: 3600 }) }]);
    expect((await refresh(c)).expiresInMs).toBe(3_600_000);
    expect((await refresh(c)).expiresInMs).toBe(3_600_000);
  });

  it('uses a default lifetime (3600 s) when expires_in is absent', async () => {
    const { client: c } = client([{ json: { access_token: 'a-1-access', token_type: 'Bearer' } }]);
    expect((await refresh(c)).expiresInMs).toBe(3_600_000);
  });

  it.each([
    ['expires_in not numeric', { expires_in: 'soon' }],
    ['expires_in negative', { expires_in: -5 }],
    ['expires_in zero', { expires_in: 0 }],
  ])('%s: a fallback lifetime of 300 s, flagged (the response, and its refresh token, are kept)', async (_name, extra) => {
    const { client: c } = client([{ json: tokenBody(1, { ...extra, refresh_token: 'r1' }) }]);
    expect(await refresh(c)).toMatchObject({ expiresInMs: 300_000, expiryAdjusted: 'unusable', refreshToken: 'r1' });
  });

  it('caps expires_in at 24 hours, flagged', async () => {
    const { client: c } = client([{ json: tokenBody(1, { expires_in: 1e20 }) }]);
    expect(await refresh(c)).toMatchObject({ expiresInMs: 86_400_000, expiryAdjusted: 'capped' });
  });

  it('drops optional fields that are not strings (refresh_token, api_domain, token_type, scope), naming them', async () => {
    const { client: c } = client([{ json: tokenBody(1, { refresh_token: 42, api_domain: 1, token_type: false, scope: {} }) }]);
    const result = await refresh(c);
    expect(result).toMatchObject({ accessToken: tokenBody(1).access_token, refreshToken: undefined, apiDomain: undefined, tokenType: undefined, scope: undefined });
    expect(result.dropped).toEqual(['refresh_token', 'api_domain', 'token_type', 'scope']);
  });

  it('rejects a response without access_token', async () => {
    const { client: c } = client([{ json: { token_type: 'Bearer', expires_in: 3600 } }, { json: { access_token: '', expires_in: 3600 } }]);
    await expect(refresh(c)).rejects.toMatchObject({ code: 'INVALID_TOKEN_RESPONSE' });
    await expect(refresh(c)).rejects.toMatchObject({ code: 'INVALID_TOKEN_RESPONSE' });
  });

  it('rejects a non-JSON 200 answer', async () => {
    const { client: c } = client([{ status: 200, text: '<html>login</html>' }, { status: 200, json: ['array'] }]);
    const error = await refresh(c).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InvalidTokenResponseError);
    expect((error as InvalidTokenResponseError).status).toBe(200);
    await expect(refresh(c)).rejects.toBeInstanceOf(InvalidTokenResponseError);
  });

  it('treats an error field as a failure even with HTTP 200 (Zoho style)', async () => {
    const { client: c } = client([{ status: 200, json: { error: 'invalid_code' } }, { status: 200, json: { error: 'invalid_grant' } }]);
    const error = await refresh(c).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OAuthError);
    expect(error).toMatchObject({ code: 'OAUTH_ERROR', oauthError: 'invalid_code', status: 200 });
    await expect(refresh(c)).rejects.toBeInstanceOf(InvalidGrantError);
  });

  it('maps OAuth error codes to typed errors', async () => {
    const { client: c } = client([
      { status: 400, json: { error: 'invalid_grant', error_description: 'grant request is invalid' } },
      { status: 401, json: { error: 'invalid_client' } },
      { status: 400, json: { error: 'unauthorized_client' } },
      { status: 400, json: { error: 'invalid_scope' } },
      { status: 400, json: { error: 'unsupported_grant_type' } },
      { status: 503, json: { error: 'temporarily_unavailable' } },
      { status: 401, text: '' },
    ]);
    const grant = await refresh(c).catch((e: unknown) => e);
    expect(grant).toBeInstanceOf(InvalidGrantError);
    expect(grant).toMatchObject({ code: 'INVALID_GRANT', status: 400, oauthError: 'invalid_grant', description: 'grant request is invalid' });
    await expect(refresh(c)).rejects.toBeInstanceOf(InvalidClientError);
    await expect(refresh(c)).rejects.toBeInstanceOf(InvalidClientError);
    await expect(refresh(c)).rejects.toBeInstanceOf(InvalidScopeError);
    await expect(refresh(c)).rejects.toMatchObject({ code: 'OAUTH_ERROR', oauthError: 'unsupported_grant_type' });
    await expect(refresh(c)).rejects.toMatchObject({ code: 'TRANSPORT_ERROR', transient: true, reason: 'oauth' });
    await expect(refresh(c)).rejects.toMatchObject({ code: 'INVALID_CLIENT', status: 401 });
  });

  it('reports 5xx and 429 as transient TransportErrors with Retry-After', async () => {
    const { client: c } = client([
      { status: 502, text: 'bad gateway' },
      { status: 429, text: '', headers: { 'retry-after': '7' } },
      { status: 503, json: {}, headers: { 'retry-after': new Date(Date.now() + 3_000).toUTCString() } },
    ]);
    const e502 = await refresh(c).catch((e: unknown) => e);
    expect(e502).toBeInstanceOf(TransportError);
    expect(e502).toMatchObject({ status: 502, transient: true, reason: 'http', retryAfterMs: undefined });
    expect(await refresh(c).catch((e: unknown) => e)).toMatchObject({ status: 429, transient: true, reason: 'rate_limited', retryAfterMs: 7000 });
    const e503 = (await refresh(c).catch((e: unknown) => e)) as TransportError;
    expect(e503.retryAfterMs).toBeGreaterThan(1000);
    expect(e503.retryAfterMs).toBeLessThanOrEqual(3000);
  });

  it("treats Zoho's 'too many requests' Access Denied as a non-transient rate limit", async () => {
    const { client: c } = client([{ status: 400, json: { error: 'Access Denied', error_description: 'You have made too many requests continuously. Please try again after some time.', status: 'failure' } }]);
    await expect(refresh(c)).rejects.toMatchObject({ code: 'TRANSPORT_ERROR', reason: 'rate_limited', transient: false });
  });

  it('times out through AbortSignal and reports network errors', async () => {
    const { client: c } = client(['timeout', 'network'], { timeoutMs: 30 });
    const started = Date.now();
    const timeout = await refresh(c).catch((e: unknown) => e);
    expect(Date.now() - started).toBeLessThan(1000);
    expect(timeout).toMatchObject({ code: 'TRANSPORT_ERROR', reason: 'timeout', transient: true });
    const network = await refresh(c).catch((e: unknown) => e);
    expect(network).toMatchObject({ code: 'TRANSPORT_ERROR', reason: 'network', transient: true });
    expect((network as Error).message).toContain('ECONNREFUSED');
    expect(isTokenStoreError(network, 'TRANSPORT_ERROR')).toBe(true);
  });

  it('scrubs sent secrets out of server-provided error text', async () => {
    const { client: c } = client([{ status: 400, json: { error: 'invalid_grant', error_description: `token ${REFRESH} for client secret ${SECRET} is bad` } }]);
    const error = (await refresh(c).catch((e: unknown) => e)) as InvalidGrantError;
    expect(error.message).not.toContain(REFRESH);
    expect(error.message).not.toContain(SECRET);
    expect(error.description).toContain('[redacted]');
  });
});

describe('parseRetryAfter', () => {
  it('reads delta seconds and HTTP dates', () => {
    expect(parseRetryAfter(null)).toBeUndefined();
    expect(parseRetryAfter('0')).toBe(0);
    expect(parseRetryAfter('120')).toBe(120_000);
    expect(parseRetryAfter('Thu, 01 Jan 2099 00:00:10 GMT', Date.parse('Thu, 01 Jan 2099 00:00:00 GMT'))).toBe(10_000);
    expect(parseRetryAfter('Thu, 01 Jan 2000 00:00:10 GMT')).toBe(0);
    expect(parseRetryAfter('soon')).toBeUndefined();
  });
});
