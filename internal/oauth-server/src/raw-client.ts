import type { OAuthTestServer } from './types.js';

type Endpoints = Pick<OAuthTestServer, 'tokenEndpoint' | 'revocationEndpoint' | 'client'>;

/**
 * A refresh_token grant straight at the server's token endpoint, outside the SDK, as the registered
 * client. With rotation and reuse detection on, HTTP 200 proves `refreshToken` was the newest one
 * the provider issued for its grant (an older one answers invalid_grant and revokes the grant).
 * Consumes it.
 */
export async function rawRefresh(server: Pick<Endpoints, 'tokenEndpoint' | 'client'>, refreshToken: string): Promise<{ status: number; body: Record<string, unknown> }> {
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

/** Revokes a token directly at the server (outside the SDK); throws unless the server accepted it. */
export async function rawRevoke(server: Pick<Endpoints, 'revocationEndpoint' | 'client'>, token: string, hint: 'access_token' | 'refresh_token'): Promise<void> {
  const response = await fetch(server.revocationEndpoint, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ token, token_type_hint: hint, client_id: server.client.clientId, client_secret: server.client.clientSecret }),
  });
  if (!response.ok) throw new Error(`revocation failed: HTTP ${response.status}`);
}
