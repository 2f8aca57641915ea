/** The real authorization server (oidc-provider 8, in process) and helpers around it. */
import { startOAuthServer, type OAuthServerOptions, type OAuthTestServer } from '@tokenstore/oauth-test-server';
import { customEnvironment, type Environment, type OAuthTokenInit } from '../../src/index.js';

export type { OAuthTestServer };

export async function startServer(options: OAuthServerOptions = {}): Promise<{ server: OAuthTestServer; environment: Environment }> {
  const server = await startOAuthServer(options);
  const environment = customEnvironment({
    name: 'oidc-provider',
    tokenEndpoint: server.tokenEndpoint,
    revocationEndpoint: server.revocationEndpoint,
    apiUrl: server.issuer,
  });
  return { server, environment };
}

/** A fresh authorization code for `user`, as a grant-token flow token. */
export async function grantToken(server: OAuthTestServer, user = 'user-1'): Promise<OAuthTokenInit> {
  const code = await server.authorize({ user });
  return {
    userSignature: { name: user },
    clientId: server.client.clientId,
    clientSecret: server.client.clientSecret,
    redirectUrl: server.client.redirectUri,
    grantToken: code,
  };
}

/** Calls the token endpoint directly (outside the SDK) with a refresh token. */
export async function rawRefresh(server: OAuthTestServer, refreshToken: string): Promise<{ status: number; body: Record<string, unknown> }> {
  const response = await fetch(server.tokenEndpoint, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({
      grant_type: 'refresh_token',
      refresh_token: refreshToken,
      client_id: server.client.clientId,
      client_secret: server.client.clientSecret,
    }),
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

/** Revokes a token directly at the server (outside the SDK). */
export async function rawRevoke(server: OAuthTestServer, token: string, hint: 'access_token' | 'refresh_token'): Promise<void> {
  const response = await fetch(server.revocationEndpoint, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ token, token_type_hint: hint, client_id: server.client.clientId, client_secret: server.client.clientSecret }),
  });
  if (!response.ok) throw new Error(`revocation failed: HTTP ${response.status}`);
}
