import { rawRefresh as refreshAtServer, type OAuthTestServer } from '@tokenstore/oauth-test-server';

/**
 * A refresh_token grant straight at the token endpoint, outside the SDK (see the test server's
 * rawRefresh): HTTP 200 proves `refreshToken` was the newest one the provider issued for its grant.
 * Consumes it. `rotated`: the provider answered with a new refresh token.
 */
export async function rawRefresh(
  server: Pick<OAuthTestServer, 'tokenEndpoint' | 'client'>,
  refreshToken: string,
): Promise<{ status: number; error: string | undefined; rotated: boolean }> {
  const { status, body } = await refreshAtServer(server, refreshToken);
  return {
    status,
    error: typeof body.error === 'string' ? body.error : undefined,
    rotated: typeof body.refresh_token === 'string' && body.refresh_token !== refreshToken,
  };
}
