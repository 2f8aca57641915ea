/**
 * startOAuthServer(): a real oidc-provider 8 authorization server plus a tiny
 * protected API, listening on 127.0.0.1 in the calling process.
 *
 * One node:http server serves both: `/api/*` goes to the protected API and
 * everything else to oidc-provider's Koa app. The socket is bound first
 * because the issuer URL (and so the provider's configuration) depends on
 * the port that was actually assigned.
 */
import { createServer, type RequestListener, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

import Provider from 'oidc-provider';

import { authorizeHeadlessly, followFrontChannel } from './authorize.js';
import { countingMiddleware, resetCounts, zeroCounts } from './counts.js';
import { handleApiRequest, isApiRequest, API_ME_PATH } from './protected-api.js';
import {
  DEFAULT_ACCESS_TOKEN_TTL_SECONDS,
  DEFAULT_REFRESH_TOKEN_TTL_SECONDS,
  providerConfiguration,
  resolveClients,
} from './provider-config.js';
import { withoutDevInteractionsWarning } from './quiet.js';
import { serializeTokenRequests } from './serialize.js';
import { signingJwk } from './signing-keys.js';
import type { OAuthServerOptions, OAuthTestServer } from './types.js';

const HOST = '127.0.0.1';

// oidc-provider's default routes (configuration.routes), used unchanged.
const ROUTES = { authorization: '/auth', token: '/token', revocation: '/token/revocation' } as const;

export async function startOAuthServer(options: OAuthServerOptions = {}): Promise<OAuthTestServer> {
  const signingKey = await signingJwk();

  // Requests are answered with 503 until the provider exists (only possible
  // if someone guesses the port during the few ms in between).
  let handler: RequestListener = (_req, res) => {
    res.writeHead(503).end();
  };
  const http = createServer((req, res) => handler(req, res));
  await listen(http, options.port ?? 0);

  const { port } = http.address() as AddressInfo;
  const issuer = `http://${HOST}:${port}`;
  const clients = resolveClients(issuer, options.clients);
  const [client] = clients;
  if (!client) throw new Error('startOAuthServer(): at least one client is required');

  let provider: Provider;
  try {
    const configuration = providerConfiguration(
      {
        issuer,
        accessTokenTtlSeconds: options.accessTokenTtlSeconds ?? DEFAULT_ACCESS_TOKEN_TTL_SECONDS,
        refreshTokenTtlSeconds: options.refreshTokenTtlSeconds ?? DEFAULT_REFRESH_TOKEN_TTL_SECONDS,
        rotateRefreshTokens: options.rotateRefreshTokens ?? true,
        clients: options.clients,
        signingKey,
      },
      clients,
    );
    provider = withoutDevInteractionsWarning(() => new Provider(issuer, configuration));
  } catch (error) {
    await closeServer(http);
    throw error;
  }

  const counts = zeroCounts();
  // Outermost first: count what the (serialized) provider did.
  provider.use(countingMiddleware(counts));
  provider.use(serializeTokenRequests(ROUTES.token));
  // Errors the provider turns into responses never reach Koa's logger; a
  // server_error is a bug in this package or its configuration, so say so.
  provider.on('server_error', (_ctx: unknown, error: unknown) => {
    console.error('[oauth-test-server] oidc-provider server_error:', error);
  });

  const providerCallback = provider.callback();
  handler = (req, res) => {
    if (isApiRequest(req)) {
      handleApiRequest(provider, counts, req, res).catch((error: unknown) => {
        console.error('[oauth-test-server] protected API error:', error);
        if (!res.headersSent) res.writeHead(500);
        res.end();
      });
      return;
    }
    void providerCallback(req, res);
  };

  let closing: Promise<void> | undefined;
  return {
    issuer,
    tokenEndpoint: `${issuer}${ROUTES.token}`,
    revocationEndpoint: `${issuer}${ROUTES.revocation}`,
    apiUrl: `${issuer}${API_ME_PATH}`,
    client,
    clients: new Map(clients.map((c) => [c.clientId, c])),
    counts,
    resetCounts: () => resetCounts(counts),
    authorize: async ({ user = 'user-1', scope, clientId } = {}) => {
      const target = clientId === undefined ? client : clients.find((c) => c.clientId === clientId);
      if (!target) throw new Error(`authorize(): unknown client ${clientId}`);
      return authorizeHeadlessly({
        authorizationEndpoint: `${issuer}${ROUTES.authorization}`,
        client: target,
        user,
        scope: scope ?? target.scope,
      });
    },
    authorizationEndpoint: `${issuer}${ROUTES.authorization}`,
    followAuthorization: async (authorizationUrl, { user = 'user-1', deny = false } = {}) => {
      const start = new URL(authorizationUrl);
      const target = clients.find((c) => c.clientId === start.searchParams.get('client_id'));
      if (!target) throw new Error('followAuthorization(): the URL names no registered client_id');
      return followFrontChannel(start, target.redirectUri, { user, deny });
    },
    close: () => (closing ??= closeServer(http)),
  };
}

function listen(server: Server, port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, HOST, () => {
      server.off('error', reject);
      resolve();
    });
  });
}

function closeServer(server: Server): Promise<void> {
  return new Promise((resolve, reject) => {
    server.close((error) => (error ? reject(error) : resolve()));
    // Keep-alive sockets (fetch pools them) would otherwise hold close() open.
    server.closeAllConnections();
  });
}
