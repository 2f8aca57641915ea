/**
 * The example wired for running offline: the in-process authorization server (oidc-provider, a
 * confidential client that must use PKCE, its redirect URI the app's /callback) and a SQLite store.
 * Shared by main.ts (the command) and the browser test.
 */
import { customEnvironment, type TokenStore } from '@tokenstore/core';
import { startOAuthServer, type OAuthTestServer } from '@tokenstore/oauth-test-server';
import { startWebApp, type WebApp } from './app.js';

export const CLIENT_ID = 'tokenstore-web-example';
const CLIENT_SECRET = 'tokenstore-web-example-secret';

export interface LocalWebApp {
  app: WebApp;
  oauthServer: OAuthTestServer;
  close(): Promise<void>;
}

export async function startLocalWebApp(store: TokenStore, port?: number): Promise<LocalWebApp> {
  let oauthServer: OAuthTestServer | undefined;
  const app = await startWebApp({
    store,
    ...(port === undefined ? {} : { port }),
    oauth: async (origin) => {
      oauthServer = await startOAuthServer({ clients: [{ clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, redirectUri: `${origin}/callback`, pkceRequired: true }] });
      return {
        environment: customEnvironment({ name: 'local oidc-provider', tokenEndpoint: oauthServer.tokenEndpoint, revocationEndpoint: oauthServer.revocationEndpoint, apiUrl: oauthServer.issuer }),
        authorizationEndpoint: oauthServer.authorizationEndpoint,
        clientId: CLIENT_ID,
        clientSecret: CLIENT_SECRET,
        scope: oauthServer.client.scope,
      };
    },
  });
  const server = oauthServer as unknown as OAuthTestServer;
  return { app, oauthServer: server, close: async () => void (await Promise.all([app.close(), server.close()])) };
}
