/**
 * Completing the authorization from the callback: checks, in this order and before anything is sent,
 * that the pending authorization is well formed and fresh, that the callback's state equals it
 * (constant time) and was not used before, that the server reported no error, and that the callback
 * names a trusted data center (Zoho). Then the code is exchanged with the PKCE verifier exactly once
 * (never retried: a reused code may revoke what it issued), the token is saved bound to the user, and a
 * ready Initializer for it is returned.
 */
import { TokenStoreError, isTokenStoreError } from '../errors.js';
import { OAuthToken } from '../oauth-token.js';
import type { TokenStore } from '../token-store.js';
import { acceptsApiDomain, type Environment } from '../engine/environments.js';
import { Initializer, type InitializeOptions } from '../engine/initializer.js';
import { scrubSecrets } from '../engine/logger.js';
import { InvalidGrantError, TokenPersistError } from '../engine/oauth-errors.js';
import { TokenEndpointClient, type TokenResponse } from '../engine/token-endpoint.js';
import { salvagedRefreshToken } from '../engine/token-response.js';
import { AuthorizationError } from './authorization-errors.js';
import type { PendingAuthorization } from './authorization-request.js';
import { callbackParams, type CallbackInput } from './callback-params.js';
import { isCodeVerifier } from './pkce.js';
import { statesEqual } from './state.js';
import { claimState } from './state-replay-guard.js';
import { callbackEnvironment } from './zoho-callback-environment.js';

export interface CompleteAuthorizationOptions extends Omit<InitializeOptions, 'token'> {
  /** What the redirect brought back: full URL, `req.url`, query string, URLSearchParams or query object. */
  callback: CallbackInput;
  /** What createAuthorizationRequest returned as `pending`, taken from the user's session. */
  pending: PendingAuthorization;
  /** The user the token is saved for (its userSignature name). */
  user: string;
  /** Confidential clients: sent at the token endpoint with the code. */
  clientSecret?: string;
  /** A pending authorization older than this is refused. Default 600 000 (10 min). */
  maxAgeMs?: number;
}

const DEFAULT_MAX_AGE_MS = 600_000;
const SAVE_ATTEMPTS = 3;
const MAX_DESCRIPTION = 200;

export async function completeAuthorization(options: CompleteAuthorizationOptions): Promise<Initializer> {
  if (options === null || typeof options !== 'object') throw new TokenStoreError('INVALID_ARGUMENT', 'completeAuthorization expects an options object');
  const { pending, store, user } = options;
  const now = options.clock ? () => options.clock!.now() : (options.now ?? Date.now);
  assertPending(pending);
  if (typeof user !== 'string' || user === '') throw new TokenStoreError('INVALID_ARGUMENT', 'user must be a non-empty string');
  if (!store || typeof store.saveToken !== 'function') throw new TokenStoreError('INVALID_ARGUMENT', 'store is required (a TokenStore)');
  const maxAgeMs = options.maxAgeMs ?? DEFAULT_MAX_AGE_MS;
  const age = now() - pending.createdAt;
  if (age > maxAgeMs) throw new AuthorizationError('AUTHORIZATION_EXPIRED', `the pending authorization is ${Math.round(age / 1000)} s old (maxAgeMs ${maxAgeMs})`);

  const params = callbackParams(options.callback);
  const state = params.get('state');
  if (state === null || !statesEqual(pending.state, state)) {
    throw new AuthorizationError('AUTHORIZATION_STATE_MISMATCH', state === null ? 'the callback has no state' : "the callback's state is not the one this session sent");
  }
  if (!(await claimState(store, pending.state, maxAgeMs - age, now()))) {
    throw new AuthorizationError('AUTHORIZATION_STATE_REPLAYED', 'this authorization callback was already used');
  }
  const secrets = [pending.state, pending.codeVerifier, params.get('code') ?? undefined, options.clientSecret];
  throwIfCallbackError(params, secrets);
  const code = params.get('code');
  if (!code) throw new AuthorizationError('AUTHORIZATION_CODE_MISSING', 'the callback has neither code nor error');

  const environment = callbackEnvironment(options.environment, params);
  const response = await exchangeOnce(options, environment, code, now);
  const saved = await saveBound(store, tokenOf(options, environment, response));
  const { callback: _c, pending: _p, user: _u, clientSecret: _s, maxAgeMs: _m, ...initialize } = options;
  return Initializer.initialize({ ...initialize, environment, token: saved });
}

function assertPending(pending: PendingAuthorization): void {
  const ok =
    pending !== null &&
    typeof pending === 'object' &&
    typeof pending.state === 'string' &&
    pending.state.length > 0 &&
    isCodeVerifier(pending.codeVerifier) &&
    typeof pending.clientId === 'string' &&
    pending.clientId !== '' &&
    typeof pending.redirectUri === 'string' &&
    pending.redirectUri !== '' &&
    Number.isSafeInteger(pending.createdAt);
  if (!ok) throw new TokenStoreError('INVALID_ARGUMENT', 'pending must be what createAuthorizationRequest returned (state, a PKCE codeVerifier of 43-128 characters, clientId, redirectUri, createdAt)');
}

function throwIfCallbackError(params: URLSearchParams, secrets: (string | undefined)[]): void {
  const raw = params.get('error');
  if (raw === null) return;
  const oauthError = /^[\x20-\x7e]{1,64}$/.test(raw) ? scrubSecrets(raw, secrets) : 'unknown_error';
  const description = printable(params.get('error_description'), secrets);
  const message = `the authorization server answered ${oauthError}${description ? `: ${description}` : ''}`;
  const code = oauthError === 'access_denied' ? 'AUTHORIZATION_DENIED' : 'AUTHORIZATION_FAILED';
  throw new AuthorizationError(code, message, { oauthError, ...(description ? { description } : {}) });
}

/** A server-provided description as one short printable line, scrubbed of the flow's secrets. */
function printable(value: string | null, secrets: (string | undefined)[]): string | undefined {
  if (!value) return undefined;
  const line = scrubSecrets(value, secrets).replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]+/g, ' ').trim();
  return line.length > MAX_DESCRIPTION ? `${line.slice(0, MAX_DESCRIPTION)}...` : line || undefined;
}

async function exchangeOnce(options: CompleteAuthorizationOptions, environment: Environment, code: string, now: () => number): Promise<TokenResponse> {
  const client = new TokenEndpointClient({ environment, ...(options.fetch ? { fetch: options.fetch } : {}), ...(options.refresh?.timeoutMs ? { timeoutMs: options.refresh.timeoutMs } : {}), ...(options.clock ? { clock: options.clock } : { now }) });
  try {
    return await client.exchangeGrantToken({
      clientId: options.pending.clientId,
      clientSecret: options.clientSecret,
      grantToken: code,
      redirectUrl: options.pending.redirectUri,
      codeVerifier: options.pending.codeVerifier,
    });
  } catch (error) {
    const salvaged = salvagedRefreshToken(error);
    // The code is spent either way; a refresh token that came with an unusable answer is still kept.
    if (salvaged !== undefined) await saveBound(options.store, new OAuthToken({ userSignature: { name: options.user }, clientId: options.pending.clientId, clientSecret: options.clientSecret, redirectUrl: options.pending.redirectUri, refreshToken: salvaged }));
    if (error instanceof InvalidGrantError) {
      throw new AuthorizationError('AUTHORIZATION_CODE_REJECTED', 'the token endpoint refused the authorization code (already used, expired, or a wrong PKCE verifier or redirect URI); start a new authorization', { cause: error, oauthError: 'invalid_grant', ...(error.description ? { description: error.description } : {}) });
    }
    throw error;
  }
}

function tokenOf(options: CompleteAuthorizationOptions, environment: Environment, response: TokenResponse): OAuthToken {
  const apiDomain = response.apiDomain !== undefined && acceptsApiDomain(environment, response.apiDomain) ? response.apiDomain : undefined;
  return new OAuthToken({
    userSignature: { name: options.user },
    clientId: options.pending.clientId,
    clientSecret: options.clientSecret,
    redirectUrl: options.pending.redirectUri,
    accessToken: response.accessToken,
    refreshToken: response.refreshToken,
    expiresAt: response.expiresAt,
    apiDomain,
    tokenType: response.tokenType,
    scope: response.scope,
  });
}

/** The code cannot be exchanged again, so a failing store is retried before giving up. */
async function saveBound(store: TokenStore, token: OAuthToken): Promise<OAuthToken> {
  let last: unknown;
  for (let attempt = 0; attempt < SAVE_ATTEMPTS; attempt += 1) {
    try {
      return await store.saveToken(token);
    } catch (error) {
      if (isTokenStoreError(error, 'INVALID_ARGUMENT') || isTokenStoreError(error, 'STORE_CONFLICT')) throw error;
      last = error;
    }
  }
  throw new TokenPersistError('the token from the authorization code could not be saved; the user must authorize again', { cause: last });
}
