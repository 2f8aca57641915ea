/**
 * @tokenstore/oauth-test-server: a real OAuth 2.0 authorization server
 * (oidc-provider 8) on loopback, for the tokenstore tests, demo and benchmarks.
 */
export { startOAuthServer } from './server.js';
export { rawRefresh, rawRevoke } from './raw-client.js';
export { DEFAULT_CLIENT_ID, DEFAULT_CLIENT_SECRET, DEFAULT_SCOPE } from './provider-config.js';
export type {
  AuthorizeOptions,
  FollowAuthorizationOptions,
  OAuthServerCounts,
  OAuthServerOptions,
  OAuthTestServer,
  TestClient,
  TestClientOptions,
} from './types.js';
