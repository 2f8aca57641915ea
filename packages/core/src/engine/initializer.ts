/**
 * Initializer: the entry point. `Initializer.initialize(options)` resolves the configured token against
 * the store and returns an instance that hands out valid access tokens, makes authorised requests and
 * revokes. There is no hidden global state: everything an instance uses hangs off it, and
 * `switchUser` instances share their parent's store, environment, logger, events and single-flight
 * registry.
 */
import { inspect } from 'node:util';
import { clockOf, type Clock } from '../clock.js';
import { TokenStoreError } from '../errors.js';
import { OAuthToken, type OAuthTokenInit } from '../oauth-token.js';
import type { TokenStore } from '../token-store.js';
import { acceptsApiDomain, type Environment } from './environments.js';
import { isHeaderSafeToken } from './header-value.js';
import { TokenEvents, type TokenEventListener, type TokenEventName, type TokenHooks } from './events.js';
import { SafeLogger, type Logger } from './logger.js';
import { OAuthErrorCode } from './oauth-errors.js';
import type { EngineContext } from './engine-context.js';
import { LeaseReleases } from './lease-releases.js';
import { RefreshEngine } from './refresh-engine.js';
import { resolveRefreshOptions, type RefreshOptions } from './refresh-options.js';
import { createRefreshRegistry, type RefreshRegistry } from './single-flight.js';
import { TokenEndpointClient, type FetchLike } from './token-endpoint.js';

export interface InitializeOptions {
  /** A Zoho data center environment (`USDataCenter.PRODUCTION()`) or `customEnvironment(...)`. */
  environment: Environment;
  /**
   * The token to use: `{ id }` or `{ userSignature }` for a stored token; `{ clientId, clientSecret,
   * grantToken, redirectUrl }` to exchange an authorization code; `{ clientId, clientSecret,
   * refreshToken }`; or `{ accessToken }` alone.
   */
  token: OAuthToken | OAuthTokenInit;
  /** Where tokens are persisted. Its `lock`, when present, coordinates refreshes across processes. */
  store: TokenStore;
  /** console/pino-like. Default: silent. */
  logger?: Logger;
  refresh?: RefreshOptions;
  /** Used for the token endpoint and for `instance.fetch`. Default: the global fetch. */
  fetch?: FetchLike;
  /**
   * The single-flight registry. Default: a new one per `initialize` call (shared with `switchUser`
   * instances). Pass one to share it between Initializers of one process.
   */
  registry?: RefreshRegistry;
  /** Listeners, equivalent to `instance.on(...)`. */
  hooks?: TokenHooks;
  /**
   * Default `authorization_code`: the token carries a grant, refresh or access token (or names a stored
   * one). `client_credentials` (RFC 6749 4.4), machine to machine: the token is `{ userSignature,
   * clientId, clientSecret, scope? }`, the user name being the record the token is kept under; whenever
   * no valid token is held, one is requested for the client (no refresh token), with the same
   * single-flight, lease and persistence as a refresh.
   */
  grantType?: 'authorization_code' | 'client_credentials';
  /**
   * Time for everything the engine does: expiry, lease waits and heartbeats, retry backoff, request
   * timeouts. Default: the system clock. Tests pass a controlled one.
   */
  clock?: Clock;
  /** Shorthand for a clock that only replaces the reading of time (epoch ms); waits stay real. */
  now?: () => number;
}

interface Family {
  environment: Environment;
  store: TokenStore;
  fetch: FetchLike;
  context: EngineContext;
}

const NON_REPLAYABLE = (body: unknown): boolean =>
  body !== null && typeof body === 'object' && (typeof (body as ReadableStream).getReader === 'function' || Symbol.asyncIterator in (body as object));

export class Initializer {
  readonly #family: Family;
  readonly #engine: RefreshEngine;
  #closed = false;
  /** The promise getAccessToken hands out while `accessToken` is the valid one. */
  #resolved: { accessToken: string; promise: Promise<string> } | undefined;
  #closing: Promise<void> | undefined;
  /** Last api_domain refused (logged once per value). */
  #refusedApiDomain: string | undefined;

  private constructor(family: Family, engine: RefreshEngine) {
    this.#family = family;
    this.#engine = engine;
  }

  /** Validates the options, resolves the token against the store, and returns a ready instance. */
  static async initialize(options: InitializeOptions): Promise<Initializer> {
    if (options === null || typeof options !== 'object') throw new TokenStoreError('INVALID_ARGUMENT', 'initialize expects an options object');
    const { environment, store } = options;
    if (!environment || typeof environment.tokenEndpoint !== 'string') throw new TokenStoreError('INVALID_ARGUMENT', 'environment is required (a Zoho data center or customEnvironment(...))');
    if (!store || typeof store.saveToken !== 'function' || typeof store.findToken !== 'function') throw new TokenStoreError('INVALID_ARGUMENT', 'store is required (a TokenStore)');
    if (options.fetch !== undefined && typeof options.fetch !== 'function') throw new TokenStoreError('INVALID_ARGUMENT', 'fetch must be a function');
    const refresh = resolveRefreshOptions(options.refresh);
    const grantType = options.grantType ?? 'authorization_code';
    if (grantType !== 'authorization_code' && grantType !== 'client_credentials') throw new TokenStoreError('INVALID_ARGUMENT', 'grantType must be "authorization_code" or "client_credentials"');
    const logger = new SafeLogger(options.logger);
    const clock = clockOf(options, 'initialize');
    const fetch: FetchLike = options.fetch ?? ((input, init) => globalThis.fetch(input, init));
    const context: EngineContext = {
      store,
      client: new TokenEndpointClient({ environment, fetch, timeoutMs: refresh.timeoutMs, clock }),
      registry: options.registry ?? createRefreshRegistry(),
      releases: new LeaseReleases(),
      logger,
      events: new TokenEvents(logger, options.hooks),
      options: refresh,
      clock,
      random: Math.random,
      learned: { lifetimeMs: undefined },
      clientCredentials: grantType === 'client_credentials',
    };
    const family: Family = { environment, store, fetch, context };
    const engine = await RefreshEngine.load(context, toToken(options.token));
    logger.debug('initialized', { environment: environment.name, tokenId: engine.token.id, user: engine.token.userSignature?.name });
    return new Initializer(family, engine);
  }

  get environment(): Environment {
    return this.#family.environment;
  }

  get store(): TokenStore {
    return this.#family.store;
  }

  /** The token held in memory right now (prints redacted; may be expired: see getToken()). */
  get token(): OAuthToken {
    return this.#engine.token;
  }

  /** A valid access token: from memory with no I/O while valid, otherwise refreshed exactly once. */
  getAccessToken(): Promise<string> {
    // Not an async function on purpose, and while the token is valid every caller gets the same
    // resolved promise: the hot path then allocates nothing (a promise per call was most of its cost
    // besides the clock read). A settled promise keeps no reactions, so sharing it holds nothing.
    if (this.#closed) return Promise.reject(this.#closedError());
    const valid = this.#engine.validAccessToken();
    if (valid !== undefined) {
      if (this.#resolved?.accessToken !== valid) this.#resolved = { accessToken: valid, promise: Promise.resolve(valid) };
      return this.#resolved.promise;
    }
    this.#resolved = undefined; // not kept past its validity (a secret held only as long as needed)
    return this.#engine.getToken().then((token) => token.accessToken as string);
  }

  /** The whole token, with a valid access token. */
  async getToken(): Promise<OAuthToken> {
    this.#assertOpen();
    return this.#engine.getToken();
  }

  /**
   * An authorised request to the API: `pathOrUrl` relative to the token's apiDomain or the environment's
   * apiUrl, or an absolute URL on one of those origins. On 401 the token is refreshed once and the
   * request retried once (unless its body is a stream, which cannot be sent twice).
   */
  async fetch(pathOrUrl: string | URL, init: RequestInit = {}): Promise<Response> {
    this.#assertOpen();
    const token = await this.#engine.getToken();
    const url = this.#resolveUrl(pathOrUrl, token);
    const first = await this.#send(url, init, token.accessToken as string);
    if (first.status !== 401 || NON_REPLAYABLE(init.body)) return first;
    await first.body?.cancel().catch(() => undefined);
    this.#family.context.logger.debug('API answered 401; refreshing once and retrying', { tokenId: token.id, user: token.userSignature?.name });
    const fresh = await this.#engine.refreshRejected(token.accessToken as string);
    return this.#send(this.#resolveUrl(pathOrUrl, fresh), init, fresh.accessToken as string);
  }

  /** Revokes the token at the server (refresh token, in a form body) and deletes its record. */
  async revoke(): Promise<void> {
    this.#assertOpen();
    return this.#engine.revoke();
  }

  /** Another instance for `token`, sharing store, environment, logger, events and single-flight registry. */
  async switchUser(token: OAuthToken | OAuthTokenInit): Promise<Initializer> {
    this.#assertOpen();
    const engine = await RefreshEngine.load(this.#family.context, toToken(token));
    return new Initializer(this.#family, engine);
  }

  /** Adds a listener for `tokenRefreshed` / `refreshFailed` (of this instance and its family); returns an unsubscribe function. */
  on<E extends TokenEventName>(name: E, listener: TokenEventListener<E>): () => void {
    return this.#family.context.events.on(name, listener);
  }

  off<E extends TokenEventName>(name: E, listener: TokenEventListener<E>): void {
    this.#family.context.events.off(name, listener);
  }

  /**
   * Stops this instance: waits for its in-flight refresh and retries a save that is still pending
   * (throwing TokenPersistError if the store still refuses it). The store is not closed: it is the
   * app's (and may be shared with other instances). Idempotent.
   */
  async close(): Promise<void> {
    this.#closed = true;
    this.#resolved = undefined;
    this.#closing ??= (async () => {
      await this.#family.context.registry.current(this.#engine.key)?.catch(() => undefined);
      await this.#engine.close();
    })();
    return this.#closing;
  }

  toJSON(): Record<string, unknown> {
    const token = this.#engine.token;
    return { environment: this.#family.environment.name, tokenId: token.id, user: token.userSignature?.name, closed: this.#closed };
  }

  [inspect.custom](depth: number, options: object, inspectFn: typeof inspect = inspect): string {
    return `Initializer ${inspectFn(this.toJSON(), { ...options, depth })}`;
  }

  #assertOpen(): void {
    if (this.#closed) throw this.#closedError();
  }

  #closedError(): TokenStoreError {
    return new TokenStoreError(OAuthErrorCode.INITIALIZER_CLOSED, 'this Initializer is closed');
  }

  async #send(url: URL, init: RequestInit, accessToken: string): Promise<Response> {
    // Every value put into a header is checked here: Headers throws a TypeError that quotes the value.
    let headers: Headers;
    try {
      headers = new Headers(init.headers);
    } catch {
      throw new TokenStoreError('INVALID_ARGUMENT', 'init.headers holds a header name or value that HTTP cannot carry (CR/LF, NUL or non-Latin-1 characters)');
    }
    if (!isHeaderSafeToken(accessToken)) {
      // Unreachable through the engine (it never hands such a token out); kept as the last guard.
      throw new TokenStoreError('INVALID_ARGUMENT', 'the access token holds characters a header cannot carry; it was not sent');
    }
    headers.set('authorization', `${this.#family.environment.authorizationScheme} ${accessToken}`);
    return this.#family.fetch(url, { ...init, headers });
  }

  /** The token's apiDomain if the environment's URL rules accept it (a stored value may predate the check). */
  #apiDomainOf(token: OAuthToken): string | undefined {
    const domain = token.apiDomain;
    if (domain === undefined || acceptsApiDomain(this.#family.environment, domain)) return domain;
    if (this.#refusedApiDomain !== domain) {
      this.#refusedApiDomain = domain;
      this.#family.context.logger.warn('stored api_domain refused by the environment (https only, except loopback or allowInsecureHttp; no credentials); using the environment apiUrl', { tokenId: token.id, user: token.userSignature?.name });
    }
    return undefined;
  }

  #resolveUrl(pathOrUrl: string | URL, token: OAuthToken): URL {
    const env = this.#family.environment;
    const candidates = env.preferTokenApiDomain ? [this.#apiDomainOf(token), env.apiUrl] : [env.apiUrl, this.#apiDomainOf(token)];
    const base = candidates.find((c) => typeof c === 'string' && c !== '');
    const absolute = pathOrUrl instanceof URL || /^[a-z][a-z0-9+.-]*:/i.test(pathOrUrl);
    if (absolute) {
      const url = new URL(String(pathOrUrl));
      const allowed = new Set(candidates.flatMap((c) => (c ? [originOf(c)] : [])));
      if (!allowed.has(url.origin)) {
        throw new TokenStoreError('INVALID_ARGUMENT', `refusing to send the access token to ${url.origin}: not the API origin of this environment`);
      }
      return url;
    }
    if (!base) throw new TokenStoreError('INVALID_ARGUMENT', 'no API URL: the environment has no apiUrl and the token has no apiDomain');
    return new URL(`${base.replace(/\/+$/, '')}/${pathOrUrl.replace(/^\/+/, '')}`);
  }
}

function originOf(url: string): string | undefined {
  try {
    return new URL(url).origin;
  } catch {
    return undefined;
  }
}

function toToken(token: OAuthToken | OAuthTokenInit): OAuthToken {
  if (token === null || typeof token !== 'object') throw new TokenStoreError('INVALID_ARGUMENT', 'token is required (an OAuthToken or its fields)');
  // Duck-typed: an app may load core twice (ESM and CJS copies).
  if (typeof (token as OAuthToken).toRecord === 'function') return OAuthToken.fromRecord((token as OAuthToken).toRecord());
  try {
    return new OAuthToken(token as OAuthTokenInit);
  } catch (error) {
    throw new TokenStoreError('INVALID_ARGUMENT', `invalid token: ${(error as Error).message}`);
  }
}
