/**
 * Building the authorization request (RFC 6749 4.1.1 with RFC 7636 PKCE): the URL to redirect the user
 * agent to, and the PendingAuthorization the app keeps in the user's session until the callback. The
 * state and verifier are fresh random values per request; nothing here does I/O.
 */
import { TokenStoreError } from '../errors.js';
import type { Environment } from '../engine/environments.js';
import { assertStorableString } from '../storable-string.js';
import { authorizationEndpointOf } from './authorization-endpoint.js';
import { createPkcePair } from './pkce.js';
import { randomState } from './state.js';

export interface AuthorizationRequestOptions {
  environment: Environment;
  clientId: string;
  /** Must equal a redirect URI registered for the client; sent again at the token endpoint. */
  redirectUri: string;
  /** A string as the server expects it, or a list (joined by "," for Zoho, by " " otherwise). */
  scope: string | readonly string[];
  /** Required for a custom environment; Zoho: `<accounts server>/oauth/v2/auth`. */
  authorizationEndpoint?: string;
  /** Further parameters (`login_hint`, `prompt`, ...); they cannot replace the ones this function sets. */
  extraParams?: Readonly<Record<string, string>>;
  /**
   * Zoho only, default true: `access_type=offline` and `prompt=consent`, without which Zoho issues no
   * refresh token (the token would die within the hour).
   */
  offline?: boolean;
  /** Clock, epoch ms (tests). Default Date.now. */
  now?: () => number;
}

/**
 * What the app keeps in the user's session (server side: it holds the PKCE verifier) and hands to
 * completeAuthorization. Plain JSON.
 */
export interface PendingAuthorization {
  state: string;
  codeVerifier: string;
  clientId: string;
  redirectUri: string;
  /** Epoch ms. */
  createdAt: number;
}

export interface AuthorizationRequest {
  /** Redirect the user agent here. */
  url: string;
  pending: PendingAuthorization;
}

/** Parameters this module owns: extraParams may not override them. */
const RESERVED = new Set(['response_type', 'client_id', 'redirect_uri', 'scope', 'state', 'code_challenge', 'code_challenge_method']);

export function createAuthorizationRequest(options: AuthorizationRequestOptions): AuthorizationRequest {
  if (options === null || typeof options !== 'object') throw new TokenStoreError('INVALID_ARGUMENT', 'createAuthorizationRequest expects an options object');
  const { environment, clientId, redirectUri } = options;
  if (!environment || typeof environment.tokenEndpoint !== 'string') throw new TokenStoreError('INVALID_ARGUMENT', 'environment is required');
  requiredString('clientId', clientId);
  requiredString('redirectUri', redirectUri);
  if (!URL.canParse(redirectUri)) throw new TokenStoreError('INVALID_ARGUMENT', 'redirectUri must be an absolute URL');
  const isZoho = environment.dataCenter !== undefined;
  const scope = scopeString(options.scope, isZoho ? ',' : ' ');
  const endpoint = new URL(authorizationEndpointOf(environment, options.authorizationEndpoint));

  const state = randomState();
  const pkce = createPkcePair();
  const params = new URLSearchParams(endpoint.search);
  params.set('response_type', 'code');
  params.set('client_id', clientId);
  params.set('redirect_uri', redirectUri);
  params.set('scope', scope);
  params.set('state', state);
  params.set('code_challenge', pkce.codeChallenge);
  params.set('code_challenge_method', pkce.codeChallengeMethod);
  if (isZoho && options.offline !== false) {
    params.set('access_type', 'offline');
    params.set('prompt', 'consent');
  }
  for (const [name, value] of Object.entries(options.extraParams ?? {})) {
    if (RESERVED.has(name)) throw new TokenStoreError('INVALID_ARGUMENT', `extraParams cannot set "${name}": createAuthorizationRequest owns it`);
    requiredString(`extraParams.${name}`, value);
    params.set(name, value);
  }
  endpoint.search = params.toString();
  return {
    url: endpoint.href,
    pending: { state, codeVerifier: pkce.codeVerifier, clientId, redirectUri, createdAt: (options.now ?? Date.now)() },
  };
}

function requiredString(name: string, value: unknown): asserts value is string {
  if (typeof value !== 'string' || value === '') throw new TokenStoreError('INVALID_ARGUMENT', `${name} must be a non-empty string`);
  assertStorableString(value, name);
}

function scopeString(scope: string | readonly string[], separator: string): string {
  const parts = typeof scope === 'string' ? [scope] : Array.isArray(scope) ? scope : undefined;
  if (!parts || parts.length === 0) throw new TokenStoreError('INVALID_ARGUMENT', 'scope must be a non-empty string or list of strings');
  for (const part of parts) requiredString('scope', part);
  return parts.join(separator);
}
