/**
 * Public types of the in-process OAuth 2.0 test server.
 *
 * Kept in their own file so consumers (vitest suites, tsx scripts, the
 * benchmarks) can import the shapes without caring how the server is wired.
 */

/** A confidential (or public) client registered with the test server. */
export interface TestClient {
  clientId: string;
  /** Empty string for a public client (`tokenEndpointAuthMethod: 'none'`). */
  clientSecret: string;
  redirectUri: string;
  /** Space-separated scopes the client is allowed to request (and asks for by default). */
  scope: string;
}

/**
 * How to register a client. Everything but the id is optional; the redirect
 * URI defaults to `${issuer}/cb` (never served: `authorize()` stops at it).
 */
export interface TestClientOptions {
  clientId: string;
  clientSecret?: string;
  redirectUri?: string;
  scope?: string;
  /**
   * oidc-provider 8 accepts both `client_secret_post` and `client_secret_basic`
   * for any secret-bearing client regardless of which one is registered, so
   * this only matters for `none` (a public client).
   */
  tokenEndpointAuthMethod?: 'client_secret_post' | 'client_secret_basic' | 'none';
  /** PKCE (S256) required on this client's authorization requests. Default false. */
  pkceRequired?: boolean;
  /** Also allow grant_type=client_credentials (RFC 6749 4.4) for this client. Default false. */
  clientCredentials?: boolean;
}

export interface OAuthServerOptions {
  /** Access token lifetime. Default 3600. Tests use e.g. 1-2 s to observe expiry. */
  accessTokenTtlSeconds?: number;
  /** Refresh token lifetime. Default 14 days. */
  refreshTokenTtlSeconds?: number;
  /**
   * Default true: every refresh_token grant returns a new refresh token and
   * consumes the old one; presenting a consumed one yields `invalid_grant`
   * and revokes the whole grant (every access and refresh token of it).
   */
  rotateRefreshTokens?: boolean;
  /** Port on 127.0.0.1. Default 0 (a random free port). */
  port?: number;
  /** Default: one confidential client, see `DEFAULT_CLIENT_ID`. The first one becomes `server.client`. */
  clients?: TestClientOptions[];
}

/** Requests counted at the provider, so a test can assert exactly how often the SDK hit it. */
export interface OAuthServerCounts {
  /** Every POST to the token endpoint, whatever the grant type or outcome. */
  token: number;
  /** Token requests with grant_type=refresh_token (successful or not). */
  refresh: number;
  /** Token requests with grant_type=authorization_code (successful or not). */
  authorizationCode: number;
  /** Every POST to the revocation endpoint. */
  revocation: number;
  /** Every request to the protected API. */
  api: number;
  /** Token endpoint responses whose error was `invalid_grant`. */
  invalidGrant: number;
}

export interface AuthorizeOptions {
  /** Account id to log in as (the dev login accepts any). Default `'user-1'`. */
  user?: string;
  /** Scope to request. Default: the client's scope. */
  scope?: string;
  /** Which registered client to authorize. Default: `server.client`. */
  clientId?: string;
}

/** How `followAuthorization` answers the dev login and consent pages. */
export interface FollowAuthorizationOptions {
  /** Account id to log in as. Default `'user-1'`. */
  user?: string;
  /** Abort the interaction (the server redirects back with `error=access_denied`). Default false. */
  deny?: boolean;
}

export interface OAuthTestServer {
  /** `http://127.0.0.1:<port>` */
  issuer: string;
  tokenEndpoint: string;
  revocationEndpoint: string;
  /** A tiny protected resource on the same server: `${issuer}/api/me`. */
  apiUrl: string;
  /** The first registered client. */
  client: TestClient;
  /** Every registered client, by id. */
  clients: ReadonlyMap<string, TestClient>;
  /**
   * Runs the authorization-code front channel headlessly (dev login + consent
   * pages, driven with fetch and a cookie jar) and returns the authorization
   * code, ready to be exchanged at `tokenEndpoint` with `client.redirectUri`.
   */
  authorize(options?: AuthorizeOptions): Promise<string>;
  /** `${issuer}/auth` */
  authorizationEndpoint: string;
  /**
   * Runs the front channel for an authorization URL someone else built (state, PKCE and all, sent
   * unchanged) and returns the URL the server redirected the user agent to (the client's redirect
   * URI with `code` and `state`, or with `error`), without following it.
   */
  followAuthorization(authorizationUrl: string, options?: FollowAuthorizationOptions): Promise<URL>;
  /** Live counters; mutated in place, so keep a reference or read them again. */
  readonly counts: OAuthServerCounts;
  resetCounts(): void;
  close(): Promise<void>;
}
