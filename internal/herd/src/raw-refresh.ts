import type { OAuthTestServer } from '@tokenstore/oauth-test-server';

/**
 * A refresh_token grant straight at the token endpoint, outside the SDK. With rotation and reuse
 * detection on, HTTP 200 proves `refreshToken` was the newest one the provider issued for its grant
 * (an older one answers invalid_grant and revokes the grant). Consumes it.
 */
export async function rawRefresh(
  server: Pick<OAuthTestServer, 'tokenEndpoint' | 'client'>,
  refreshToken: string,
): Promise<{ status: number; error: string | undefined; rotated: boolean }> {
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
  const body = (await response.json()) as Record<string, unknown>;
  return {
    status: response.status,
    error: typeof body.error === 'string' ? body.error : undefined,
    rotated: typeof body.refresh_token === 'string' && body.refresh_token !== refreshToken,
  };
}
