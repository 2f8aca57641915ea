/**
 * The per-client options used by the authorization tests of @tokenstore/core: PKCE enforced for one
 * client (the others, and every existing test, keep working without it), client_credentials for one
 * client, and followAuthorization() running a URL built elsewhere, including a denied consent.
 */
import { createHash, randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { startOAuthServer, type OAuthTestServer } from '../src/index.js';

const PKCE = 'pkce-client';
const MACHINE = 'machine-client';

async function token(server: OAuthTestServer, form: Record<string, string>): Promise<{ status: number; body: Record<string, unknown> }> {
  const response = await fetch(server.tokenEndpoint, { method: 'POST', body: new URLSearchParams(form) });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

function authorizationUrl(server: OAuthTestServer, extra: Record<string, string>): string {
  const client = server.clients.get(PKCE)!;
  const url = new URL(server.authorizationEndpoint);
  url.search = new URLSearchParams({ client_id: PKCE, response_type: 'code', redirect_uri: client.redirectUri, scope: client.scope, state: 's1', prompt: 'consent', ...extra }).toString();
  return url.href;
}

describe('oauth test server: PKCE-required and client_credentials clients', () => {
  let server: OAuthTestServer;
  beforeAll(async () => {
    server = await startOAuthServer({
      clients: [
        { clientId: 'plain', clientSecret: 'plain-secret' },
        { clientId: PKCE, clientSecret: 'pkce-secret', pkceRequired: true },
        { clientId: MACHINE, clientSecret: 'machine-secret', scope: 'api', clientCredentials: true },
      ],
    });
  });
  afterAll(() => server.close());

  it('requires PKCE only for the client registered with pkceRequired', async () => {
    const missing = await server.followAuthorization(authorizationUrl(server, {}));
    expect(missing.searchParams.get('error')).toBe('invalid_request');
    expect(await server.authorize({ clientId: 'plain' })).toMatch(/^[\w-]{20,}$/);

    const verifier = randomBytes(32).toString('base64url');
    const challenge = createHash('sha256').update(verifier).digest('base64url');
    const redirect = await server.followAuthorization(authorizationUrl(server, { code_challenge: challenge, code_challenge_method: 'S256' }), { user: 'dora' });
    expect(redirect.searchParams.get('state')).toBe('s1');
    const code = redirect.searchParams.get('code')!;
    const base = { grant_type: 'authorization_code', code, client_id: PKCE, client_secret: 'pkce-secret', redirect_uri: server.clients.get(PKCE)!.redirectUri };
    const wrong = await token(server, { ...base, code_verifier: randomBytes(32).toString('base64url') });
    expect(wrong.body.error).toBe('invalid_grant');
  });

  it('a denied consent redirects back with error=access_denied and the state', async () => {
    const redirect = await server.followAuthorization(authorizationUrl(server, { code_challenge: 'x'.repeat(43), code_challenge_method: 'S256' }), { deny: true });
    expect(redirect.searchParams.get('error')).toBe('access_denied');
    expect(redirect.searchParams.get('state')).toBe('s1');
  });

  it('issues client_credentials tokens (no refresh token) only to the client allowed them', async () => {
    const ok = await token(server, { grant_type: 'client_credentials', client_id: MACHINE, client_secret: 'machine-secret', scope: 'api' });
    expect(ok.status).toBe(200);
    expect(ok.body.access_token).toEqual(expect.any(String));
    expect(ok.body.refresh_token).toBeUndefined();
    expect(ok.body.expires_in).toBe(3600);
    const refused = await token(server, { grant_type: 'client_credentials', client_id: 'plain', client_secret: 'plain-secret' });
    // oidc-provider answers invalid_request ("unauthorized_client" in its description) for a grant type the client lacks.
    expect(refused.status).toBe(400);
    expect(refused.body.access_token).toBeUndefined();
  });
});
