/** The real authorization server (oidc-provider 8, in process) and helpers around it. */
import { startOAuthServer, type OAuthServerOptions, type OAuthTestServer } from '@tokenstore/oauth-test-server';
import { afterAll, beforeAll } from 'vitest';
import { customEnvironment, type Environment, type OAuthTokenInit } from '../../src/index.js';

export type { OAuthTestServer };
/** Requests at the server outside the SDK. */
export { rawRefresh, rawRevoke } from '@tokenstore/oauth-test-server';

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

/**
 * Starts the server before the file's tests and closes it after them; `use` receives it (and its
 * environment) once it is up.
 */
export function serveDuringTests(options: OAuthServerOptions, use: (started: { server: OAuthTestServer; environment: Environment }) => void): void {
  let server: OAuthTestServer | undefined;
  beforeAll(async () => {
    const started = await startServer(options);
    server = started.server;
    use(started);
  });
  afterAll(async () => {
    await server?.close();
  });
}
