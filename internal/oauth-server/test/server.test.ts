/**
 * Exercises the test server as a real OAuth 2.0 client would: front channel
 * via authorize(), back channel with plain fetch, form-encoded. If these
 * pass, the refresh-engine tests in @tokenstore/core can trust what the
 * server says about rotation, reuse, revocation, expiry and request counts.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';

import { startOAuthServer, type OAuthTestServer } from '../src/index.js';

interface TokenResponse {
  access_token?: string;
  refresh_token?: string;
  expires_in?: number;
  token_type?: string;
  scope?: string;
  error?: string;
  error_description?: string;
}

type ClientAuth = 'client_secret_post' | 'client_secret_basic';

async function tokenRequest(
  server: OAuthTestServer,
  params: Record<string, string>,
  auth: ClientAuth = 'client_secret_post',
): Promise<{ status: number; body: TokenResponse }> {
  const { clientId, clientSecret } = server.client;
  const body = new URLSearchParams(params);
  const headers: Record<string, string> = { 'content-type': 'application/x-www-form-urlencoded' };
  if (auth === 'client_secret_post') {
    body.set('client_id', clientId);
    body.set('client_secret', clientSecret);
  } else {
    // RFC 6749 2.3.1: form-encode each part before base64.
    const credentials = `${encodeURIComponent(clientId)}:${encodeURIComponent(clientSecret)}`;
    headers.authorization = `Basic ${Buffer.from(credentials).toString('base64')}`;
  }
  const response = await fetch(server.tokenEndpoint, { method: 'POST', headers, body });
  return { status: response.status, body: (await response.json()) as TokenResponse };
}

async function exchangeCode(server: OAuthTestServer, code: string, auth?: ClientAuth) {
  return tokenRequest(
    server,
    { grant_type: 'authorization_code', code, redirect_uri: server.client.redirectUri },
    auth,
  );
}

async function refresh(server: OAuthTestServer, refreshToken: string, auth?: ClientAuth) {
  return tokenRequest(server, { grant_type: 'refresh_token', refresh_token: refreshToken }, auth);
}

async function revoke(server: OAuthTestServer, token: string, hint?: string): Promise<number> {
  const body = new URLSearchParams({
    token,
    client_id: server.client.clientId,
    client_secret: server.client.clientSecret,
    ...(hint ? { token_type_hint: hint } : {}),
  });
  const response = await fetch(server.revocationEndpoint, { method: 'POST', body });
  await response.arrayBuffer();
  return response.status;
}

async function callApi(server: OAuthTestServer, accessToken: string, scheme = 'Bearer') {
  const response = await fetch(server.apiUrl, { headers: { authorization: `${scheme} ${accessToken}` } });
  return {
    status: response.status,
    wwwAuthenticate: response.headers.get('www-authenticate'),
    body: (await response.json()) as { sub?: string; scope?: string; error?: string },
  };
}

/** authorize() + code exchange, asserting the happy path. */
async function login(server: OAuthTestServer, user = 'alice') {
  const { status, body } = await exchangeCode(server, await server.authorize({ user }));
  expect(status).toBe(200);
  return body as Required<Pick<TokenResponse, 'access_token' | 'refresh_token' | 'expires_in'>>;
}

describe('oauth test server (rotating, default)', () => {
  let server: OAuthTestServer;

  beforeAll(async () => {
    server = await startOAuthServer();
  });
  afterAll(async () => {
    await server.close();
  });
  beforeEach(() => {
    server.resetCounts();
  });

  it('listens on loopback and exposes its endpoints', () => {
    expect(server.issuer).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(server.tokenEndpoint).toBe(`${server.issuer}/token`);
    expect(server.revocationEndpoint).toBe(`${server.issuer}/token/revocation`);
    expect(server.apiUrl).toBe(`${server.issuer}/api/me`);
    expect(server.client.clientSecret).not.toBe('');
    expect(server.client.scope.split(' ')).toEqual(['openid', 'offline_access', 'api']);
  });

  it('authorizes a user headlessly and exchanges the code for access + refresh tokens', async () => {
    const code = await server.authorize({ user: 'alice' });
    expect(code).toMatch(/^[\w-]{20,}$/);

    const { status, body } = await exchangeCode(server, code);
    expect(status).toBe(200);
    expect(body.token_type).toBe('Bearer');
    expect(body.access_token).toEqual(expect.any(String));
    expect(body.refresh_token).toEqual(expect.any(String));
    expect(body.expires_in).toBe(3600);

    const api = await callApi(server, body.access_token!);
    expect(api.status).toBe(200);
    expect(api.body).toEqual({ sub: 'alice', scope: 'openid offline_access api' });

    // A code is single-use.
    const again = await exchangeCode(server, code);
    expect(again.status).toBe(400);
    expect(again.body.error).toBe('invalid_grant');

    expect(server.counts).toEqual({
      token: 2, refresh: 0, authorizationCode: 2, revocation: 0, api: 1, invalidGrant: 1,
    });
  });

  it('issues a refresh token even without offline_access', async () => {
    const code = await server.authorize({ user: 'bob', scope: 'api' });
    const { status, body } = await exchangeCode(server, code);
    expect(status).toBe(200);
    expect(body.refresh_token).toEqual(expect.any(String));
    expect(body.scope).toBe('api');
    expect((await callApi(server, body.access_token!)).body).toEqual({ sub: 'bob', scope: 'api' });
  });

  it('accepts client_secret_basic as well as client_secret_post', async () => {
    const tokens = await exchangeCode(server, await server.authorize(), 'client_secret_basic');
    expect(tokens.status).toBe(200);
    const refreshed = await refresh(server, tokens.body.refresh_token!, 'client_secret_basic');
    expect(refreshed.status).toBe(200);
  });

  it('rotates refresh tokens; reusing a consumed one is invalid_grant and revokes the grant', async () => {
    const first = await login(server);
    server.resetCounts();

    const r1 = await refresh(server, first.refresh_token);
    expect(r1.status).toBe(200);
    expect(r1.body.expires_in).toBe(3600);
    expect(r1.body.refresh_token).toEqual(expect.any(String));
    expect(r1.body.refresh_token).not.toBe(first.refresh_token);
    expect(r1.body.access_token).not.toBe(first.access_token);
    expect((await callApi(server, r1.body.access_token!)).status).toBe(200);

    const reuse = await refresh(server, first.refresh_token);
    expect(reuse.status).toBe(400);
    expect(reuse.body.error).toBe('invalid_grant');

    // The whole grant family is gone: the rotated refresh token and every access token.
    const afterReuse = await refresh(server, r1.body.refresh_token!);
    expect(afterReuse.body.error).toBe('invalid_grant');
    expect((await callApi(server, r1.body.access_token!)).status).toBe(401);
    expect((await callApi(server, first.access_token)).status).toBe(401);

    expect(server.counts).toEqual({
      token: 3, refresh: 3, authorizationCode: 0, revocation: 0, api: 3, invalidGrant: 2,
    });
  });

  it('detects reuse even when the same refresh token is presented concurrently', async () => {
    const { refresh_token } = await login(server);
    server.resetCounts();

    const results = await Promise.all([1, 2, 3].map(() => refresh(server, refresh_token)));
    const statuses = results.map((r) => r.status).sort();
    expect(statuses).toEqual([200, 400, 400]);
    expect(results.filter((r) => r.body.error === 'invalid_grant')).toHaveLength(2);

    // The winner's new refresh token was revoked with the grant by the reuse.
    const winner = results.find((r) => r.status === 200)!;
    expect((await refresh(server, winner.body.refresh_token!)).body.error).toBe('invalid_grant');
    expect(server.counts).toMatchObject({ token: 4, refresh: 4, invalidGrant: 3 });
  });

  it('revoking a refresh token makes the next refresh invalid_grant', async () => {
    const tokens = await login(server);
    server.resetCounts();

    expect(await revoke(server, tokens.refresh_token, 'refresh_token')).toBe(200);
    const after = await refresh(server, tokens.refresh_token);
    expect(after.status).toBe(400);
    expect(after.body.error).toBe('invalid_grant');
    // Revoking a refresh token revokes its grant, access tokens included.
    expect((await callApi(server, tokens.access_token)).status).toBe(401);

    expect(server.counts).toEqual({
      token: 1, refresh: 1, authorizationCode: 0, revocation: 1, api: 1, invalidGrant: 1,
    });
  });

  it('revoking an access token rejects it at the API but keeps the refresh token usable', async () => {
    const tokens = await login(server);
    expect(await revoke(server, tokens.access_token, 'access_token')).toBe(200);
    expect((await callApi(server, tokens.access_token)).status).toBe(401);
    expect((await refresh(server, tokens.refresh_token)).status).toBe(200);
  });

  it('protected API: accepts the Zoho scheme, rejects missing and bogus tokens', async () => {
    const tokens = await login(server, 'zoe');
    server.resetCounts();

    const zoho = await callApi(server, tokens.access_token, 'Zoho-oauthtoken');
    expect(zoho.status).toBe(200);
    expect(zoho.body.sub).toBe('zoe');

    const bogus = await callApi(server, 'not-a-token');
    expect(bogus.status).toBe(401);
    expect(bogus.wwwAuthenticate).toMatch(/^Bearer .*error="invalid_token"/);
    expect(bogus.body.error).toBe('invalid_token');

    const missing = await fetch(server.apiUrl);
    expect(missing.status).toBe(401);
    expect(missing.headers.get('www-authenticate')).toMatch(/^Bearer/);
    await missing.arrayBuffer();

    expect(server.counts).toEqual({
      token: 0, refresh: 0, authorizationCode: 0, revocation: 0, api: 3, invalidGrant: 0,
    });
  });

  it('counts failed client authentication as a token request without invalid_grant', async () => {
    const response = await fetch(server.tokenEndpoint, {
      method: 'POST',
      body: new URLSearchParams({
        grant_type: 'refresh_token',
        refresh_token: 'whatever',
        client_id: server.client.clientId,
        client_secret: 'wrong',
      }),
    });
    expect(response.status).toBe(401);
    expect(((await response.json()) as TokenResponse).error).toBe('invalid_client');
    expect(server.counts).toEqual({
      token: 1, refresh: 1, authorizationCode: 0, revocation: 0, api: 0, invalidGrant: 0,
    });
  });
});

describe('oauth test server options', () => {
  it('expires access tokens after accessTokenTtlSeconds', async () => {
    const server = await startOAuthServer({ accessTokenTtlSeconds: 2 });
    try {
      const tokens = await login(server);
      expect(tokens.expires_in).toBe(2);
      expect((await callApi(server, tokens.access_token)).status).toBe(200);

      await new Promise((resolve) => setTimeout(resolve, 2100));
      const expired = await callApi(server, tokens.access_token);
      expect(expired.status).toBe(401);
      expect(expired.wwwAuthenticate).toContain('error="invalid_token"');

      // The refresh token still works and yields a fresh, valid access token.
      const refreshed = await refresh(server, tokens.refresh_token);
      expect(refreshed.status).toBe(200);
      expect(refreshed.body.expires_in).toBe(2);
      expect((await callApi(server, refreshed.body.access_token!)).status).toBe(200);
    } finally {
      await server.close();
    }
  });

  it('rotateRefreshTokens: false keeps returning the same refresh token', async () => {
    const server = await startOAuthServer({ rotateRefreshTokens: false });
    try {
      const tokens = await login(server);
      const r1 = await refresh(server, tokens.refresh_token);
      const r2 = await refresh(server, tokens.refresh_token);
      expect(r1.status).toBe(200);
      expect(r2.status).toBe(200);
      expect(r1.body.refresh_token).toBe(tokens.refresh_token);
      expect(r2.body.refresh_token).toBe(tokens.refresh_token);
      expect(r2.body.access_token).not.toBe(r1.body.access_token);
      expect(server.counts.invalidGrant).toBe(0);
    } finally {
      await server.close();
    }
  });

  it('supports custom clients, a fixed port, and isolates servers from each other', async () => {
    const probe = await startOAuthServer();
    const port = Number(new URL(probe.issuer).port);
    await probe.close();

    const server = await startOAuthServer({
      port,
      clients: [
        { clientId: 'first', clientSecret: 'first-secret', scope: 'api' },
        { clientId: 'second', clientSecret: 'second-secret' },
      ],
    });
    const other = await startOAuthServer();
    try {
      expect(server.issuer).toBe(`http://127.0.0.1:${port}`);
      expect(server.client).toEqual({
        clientId: 'first',
        clientSecret: 'first-secret',
        redirectUri: `${server.issuer}/cb`,
        scope: 'api',
      });
      expect([...server.clients.keys()]).toEqual(['first', 'second']);

      const tokens = await login(server, 'carol');
      expect((await callApi(server, tokens.access_token)).body).toEqual({ sub: 'carol', scope: 'api' });
      // Another server's storage knows nothing about these tokens.
      expect((await callApi(other, tokens.access_token)).status).toBe(401);

      // The second client can be authorized too; its code belongs to it alone.
      const code = await server.authorize({ clientId: 'second' });
      const wrongClient = await exchangeCode(server, code);
      expect(wrongClient.body.error).toBe('invalid_grant');
    } finally {
      await Promise.all([server.close(), other.close()]);
    }
  });
});
