/**
 * A tiny protected resource served next to the authorization server.
 *
 * It lets tests prove that an access token the SDK holds is really accepted
 * (and that an expired or revoked one really is not) without a second server.
 * It validates the opaque token against the provider's own storage, which is
 * exactly what the token endpoint and revocation endpoint mutate.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';

import type Provider from 'oidc-provider';

import type { OAuthServerCounts } from './types.js';

export const API_PATH_PREFIX = '/api/';
export const API_ME_PATH = '/api/me';

// `Bearer` per RFC 6750; `Zoho-oauthtoken` is Zoho's non-standard scheme,
// accepted so the Zoho-flavoured SDK paths can be exercised against this server.
const AUTHORIZATION = /^(?:Bearer|Zoho-oauthtoken)\s+(\S+)\s*$/i;

export function isApiRequest(req: IncomingMessage): boolean {
  return (req.url ?? '').startsWith(API_PATH_PREFIX);
}

export async function handleApiRequest(
  provider: Provider,
  counts: OAuthServerCounts,
  req: IncomingMessage,
  res: ServerResponse,
): Promise<void> {
  counts.api += 1;
  const path = new URL(req.url ?? '/', 'http://localhost').pathname;
  if (path !== API_ME_PATH) {
    return send(res, 404, { error: 'not_found' });
  }
  if (req.method !== 'GET') {
    return send(res, 405, { error: 'method_not_allowed' }, { Allow: 'GET' });
  }

  const token = AUTHORIZATION.exec(req.headers.authorization ?? '')?.[1];
  if (!token) {
    // RFC 6750 section 3: no credentials at all -> challenge without an error code.
    return send(res, 401, { error: 'invalid_request' }, { 'WWW-Authenticate': 'Bearer realm="api"' });
  }

  // find() returns undefined for unknown, revoked and (by default) expired
  // tokens; the isExpired check is belt and braces against clock edge cases.
  const accessToken = await provider.AccessToken.find(token);
  if (!accessToken || accessToken.isExpired) {
    return send(
      res,
      401,
      { error: 'invalid_token' },
      { 'WWW-Authenticate': 'Bearer realm="api", error="invalid_token"' },
    );
  }

  return send(res, 200, { sub: accessToken.accountId, scope: accessToken.scope ?? '' });
}

function send(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'Content-Type': 'application/json', 'Cache-Control': 'no-store', ...headers });
  res.end(JSON.stringify(body));
}
