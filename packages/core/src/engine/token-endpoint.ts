/**
 * The token endpoint client: one HTTP exchange per call (retries are the engine's job), form-encoded
 * POST with client_secret_post credentials, a timeout through AbortSignal, strict response validation,
 * and OAuth error parsing (a response with an `error` field is a failure even with HTTP 200, as Zoho
 * answers). Secrets travel only in the request body, never in a URL, a message or a log line.
 */
import { isTokenStoreError } from '../errors.js';
import { clockOf, type Clock } from '../clock.js';
import { readBoundedText } from './bounded-body.js';
import type { Environment } from './environments.js';
import { scrubSecrets } from './logger.js';
import {
  InvalidClientError,
  InvalidGrantError,
  InvalidScopeError,
  InvalidTokenResponseError,
  OAuthError,
  OAuthErrorCode,
  TransportError,
  type OAuthErrorDetails,
} from './oauth-errors.js';
import { readTokenResponse, type TokenResponse } from './token-response.js';

export type { TokenResponse } from './token-response.js';

export type FetchLike = (input: string | URL | Request, init?: RequestInit) => Promise<Response>;

export interface TokenEndpointClientOptions {
  environment: Environment;
  /** Default: the global fetch. */
  fetch?: FetchLike;
  /** Per request. Default 10 000 ms. */
  timeoutMs?: number;
  /** Time: the request timeout, Retry-After dates and expiry. Default: the system clock. */
  clock?: Clock;
  /** Shorthand for a clock that only replaces the reading of time (epoch ms). */
  now?: () => number;
  /** Used when a response has no expires_in at all. Default 3600. */
  defaultExpiresInSeconds?: number;
}

export interface ClientCredentials {
  clientId: string;
  clientSecret?: string | undefined;
}

export interface GrantExchangeRequest extends ClientCredentials {
  grantToken: string;
  redirectUrl?: string | undefined;
  /** RFC 7636 PKCE: the verifier of the code_challenge sent in the authorization request. */
  codeVerifier?: string | undefined;
}

export interface RefreshRequest extends ClientCredentials {
  refreshToken: string;
  redirectUrl?: string | undefined;
  scope?: string | undefined;
}

export interface ClientCredentialsRequest extends ClientCredentials {
  /** The scope to ask for (space-separated, or as the server expects it). */
  scope?: string | undefined;
}

export interface RevokeRequest extends ClientCredentials {
  token: string;
  tokenTypeHint?: 'refresh_token' | 'access_token';
}

const MAX_DESCRIPTION = 300;
const MAX_RETRY_AFTER_MS = 24 * 3600 * 1000;

export class TokenEndpointClient {
  readonly #environment: Environment;
  readonly #fetch: FetchLike;
  readonly #timeoutMs: number;
  readonly #clock: Clock;
  readonly #defaultExpiresIn: number;

  constructor(options: TokenEndpointClientOptions) {
    this.#environment = options.environment;
    this.#fetch = options.fetch ?? ((input, init) => globalThis.fetch(input, init));
    this.#timeoutMs = options.timeoutMs ?? 10_000;
    this.#clock = clockOf(options, 'TokenEndpointClient');
    this.#defaultExpiresIn = options.defaultExpiresInSeconds ?? 3600;
  }

  get environment(): Environment {
    return this.#environment;
  }

  /** grant_type=authorization_code. Never retry this: a reused code may revoke what it issued. */
  async exchangeGrantToken(request: GrantExchangeRequest): Promise<TokenResponse> {
    const form: Record<string, string | undefined> = {
      grant_type: 'authorization_code',
      code: request.grantToken,
      client_id: request.clientId,
      client_secret: request.clientSecret,
      redirect_uri: request.redirectUrl,
      code_verifier: request.codeVerifier,
    };
    return this.#tokenRequest(form, [request.grantToken, request.clientSecret, request.codeVerifier]);
  }

  /** grant_type=refresh_token. */
  async refresh(request: RefreshRequest): Promise<TokenResponse> {
    const form: Record<string, string | undefined> = {
      grant_type: 'refresh_token',
      refresh_token: request.refreshToken,
      client_id: request.clientId,
      client_secret: request.clientSecret,
      redirect_uri: request.redirectUrl,
      scope: request.scope,
    };
    return this.#tokenRequest(form, [request.refreshToken, request.clientSecret]);
  }

  /** grant_type=client_credentials (RFC 6749 4.4): a token for the client itself, without a refresh token. */
  async clientCredentials(request: ClientCredentialsRequest): Promise<TokenResponse> {
    const form: Record<string, string | undefined> = {
      grant_type: 'client_credentials',
      client_id: request.clientId,
      client_secret: request.clientSecret,
      scope: request.scope,
    };
    return this.#tokenRequest(form, [request.clientSecret]);
  }

  /** RFC 7009 revocation (token in the form body). Resolves on any 2xx without an `error` field. */
  async revoke(request: RevokeRequest): Promise<void> {
    const endpoint = this.#environment.revocationEndpoint;
    if (!endpoint) throw new OAuthError(OAuthErrorCode.OAUTH_ERROR, `environment ${this.#environment.name} has no revocation endpoint`);
    const form: Record<string, string | undefined> = {
      token: request.token,
      token_type_hint: request.tokenTypeHint,
      client_id: request.clientId,
      client_secret: request.clientSecret,
    };
    const secrets = [request.token, request.clientSecret];
    const { response, text } = await this.#post(endpoint, form, secrets, 'revocation');
    const body = parseJson(text);
    const error = oauthErrorFrom(response, body, secrets, 'revocation endpoint', this.#clock.now());
    if (error) throw error;
    const status = httpStatusError(response, secrets, 'revocation endpoint', this.#clock.now());
    if (status) throw status;
  }

  async #tokenRequest(form: Record<string, string | undefined>, secrets: (string | undefined)[]): Promise<TokenResponse> {
    const sentAt = this.#clock.now();
    const { response, text } = await this.#post(this.#environment.tokenEndpoint, form, secrets, 'token');
    const body = parseJson(text);
    const error = oauthErrorFrom(response, body, secrets, 'token endpoint', this.#clock.now());
    if (error) throw error;
    const status = httpStatusError(response, secrets, 'token endpoint', this.#clock.now());
    if (status) throw status;
    if (body === undefined || body === null || typeof body !== 'object' || Array.isArray(body)) {
      throw new InvalidTokenResponseError(`token endpoint answered HTTP ${response.status} without a JSON object`, { status: response.status });
    }
    return readTokenResponse(body as Record<string, unknown>, sentAt, response.status, this.#defaultExpiresIn);
  }

  async #post(url: string, form: Record<string, string | undefined>, secrets: (string | undefined)[], what: string): Promise<{ response: Response; text: string }> {
    const body = new URLSearchParams();
    for (const [key, value] of Object.entries(form)) if (value !== undefined && value !== '') body.set(key, value);
    // The timeout runs on the clock (tests control it); the timer ends with the request.
    const timeout = new AbortController();
    const requestDone = new AbortController();
    void this.#clock.sleep(this.#timeoutMs, requestDone.signal).then(() => {
      if (!requestDone.signal.aborted) timeout.abort(new DOMException(`timed out after ${this.#timeoutMs} ms`, 'TimeoutError'));
    });
    const signal = timeout.signal;
    let response: Response;
    let text: string;
    try {
      response = await this.#fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
        body: body.toString(),
        signal,
        redirect: 'error',
      });
      text = await readBoundedText(response, `${what} endpoint`);
    } catch (error) {
      if (isTokenStoreError(error)) throw error;
      if (signal.aborted) {
        throw new TransportError(`${what} request timed out after ${this.#timeoutMs} ms`, { reason: 'timeout', transient: true, cause: safeCause(error, secrets) });
      }
      throw new TransportError(`${what} request failed: ${describeNetworkError(error, secrets)}`, {
        reason: 'network',
        transient: true,
        cause: safeCause(error, secrets),
      });
    } finally {
      requestDone.abort();
    }
    return { response, text };
  }
}

function parseJson(text: string): unknown {
  if (text.trim() === '') return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

/** Retry-After as delta seconds or an HTTP date, in ms; undefined when absent or unreadable. */
export function parseRetryAfter(header: string | null, now: number = Date.now()): number | undefined {
  if (header === null) return undefined;
  const value = header.trim();
  if (/^\d+$/.test(value)) return Math.min(Number(value) * 1000, MAX_RETRY_AFTER_MS);
  const date = Date.parse(value);
  if (Number.isNaN(date)) return undefined;
  return Math.min(Math.max(0, date - now), MAX_RETRY_AFTER_MS);
}

function scrubDescription(value: unknown, secrets: (string | undefined)[]): string | undefined {
  if (typeof value !== 'string' || value === '') return undefined;
  const scrubbed = scrubSecrets(value, secrets);
  return scrubbed.length > MAX_DESCRIPTION ? `${scrubbed.slice(0, MAX_DESCRIPTION)}...` : scrubbed;
}

function scrubCode(value: string, secrets: (string | undefined)[]): string {
  const scrubbed = scrubSecrets(value, secrets);
  return scrubbed.length > 100 ? `${scrubbed.slice(0, 100)}...` : scrubbed;
}

/** The OAuth error in a response body, whatever the HTTP status; null when there is none. */
function oauthErrorFrom(response: Response, body: unknown, secrets: (string | undefined)[], where: string, now: number): OAuthError | null {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) return null;
  const raw = (body as Record<string, unknown>).error;
  if (raw === undefined || raw === null || raw === '') return null;
  const oauthError = typeof raw === 'string' ? scrubCode(raw, secrets) : 'unknown_error';
  const description = scrubDescription((body as Record<string, unknown>).error_description, secrets);
  const details: OAuthErrorDetails = { status: response.status, oauthError, description };
  const message = `${where} answered ${oauthError} (HTTP ${response.status})${description ? `: ${description}` : ''}`;
  const retryAfterMs = parseRetryAfter(response.headers.get('retry-after'), now);
  switch (oauthError) {
    case 'invalid_grant':
      return new InvalidGrantError(message, details);
    case 'invalid_client':
    case 'unauthorized_client':
      return new InvalidClientError(message, details);
    case 'invalid_scope':
      return new InvalidScopeError(message, details);
    case 'temporarily_unavailable':
    case 'server_error':
    case 'slow_down':
      return new TransportError(message, { ...details, reason: 'oauth', transient: true, retryAfterMs });
    default:
      break;
  }
  if (response.status === 429) return new TransportError(message, { ...details, reason: 'rate_limited', transient: true, retryAfterMs });
  if (response.status >= 500) return new TransportError(message, { ...details, reason: 'http', transient: true, retryAfterMs });
  // Zoho's rate limit: HTTP 400 {"error":"Access Denied","error_description":"You have made too many requests..."}.
  // Zoho blocks for minutes; retrying within seconds only prolongs the block, so this is not transient.
  if (/too many requests/i.test(description ?? '')) return new TransportError(message, { ...details, reason: 'rate_limited', transient: false, retryAfterMs });
  return new OAuthError(OAuthErrorCode.OAUTH_ERROR, message, details);
}

/** An error for a non-2xx response without an OAuth error body; null for 2xx. */
function httpStatusError(response: Response, _secrets: (string | undefined)[], where: string, now: number): OAuthError | null {
  const { status } = response;
  if (status >= 200 && status < 300) return null;
  const retryAfterMs = parseRetryAfter(response.headers.get('retry-after'), now);
  const message = `${where} answered HTTP ${status}`;
  if (status === 429) return new TransportError(message, { status, reason: 'rate_limited', transient: true, retryAfterMs });
  if (status === 408 || status >= 500) return new TransportError(message, { status, reason: 'http', transient: true, retryAfterMs });
  if (status === 401) return new InvalidClientError(message, { status });
  return new OAuthError(OAuthErrorCode.OAUTH_ERROR, message, { status });
}

function describeNetworkError(error: unknown, secrets: (string | undefined)[]): string {
  const cause = (error as { cause?: { code?: unknown } } | null)?.cause;
  const code = typeof cause?.code === 'string' ? cause.code : undefined;
  const message = error instanceof Error ? error.message : 'unknown error';
  return scrubSecrets(code ? `${message} (${code})` : message, secrets);
}

/**
 * The cause kept on a TransportError: the original error when its message and its cause's message are
 * free of secrets (they are for fetch's own errors), otherwise a scrubbed copy.
 */
function safeCause(error: unknown, secrets: (string | undefined)[]): unknown {
  if (!(error instanceof Error)) return undefined;
  const texts = [error.message, String(error.stack ?? ''), (error.cause as Error | undefined)?.message ?? ''];
  const dirty = texts.some((t) => scrubSecrets(t, secrets) !== t);
  if (!dirty) return error;
  const copy = new Error(scrubSecrets(error.message, secrets));
  copy.name = error.name;
  copy.stack = scrubSecrets(String(error.stack ?? ''), secrets);
  return copy;
}
