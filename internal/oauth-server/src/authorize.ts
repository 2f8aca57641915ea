/**
 * Drives the authorization-code front channel without a browser.
 *
 * It does what a user agent would against oidc-provider's devInteractions:
 * GET the authorization endpoint, follow redirects by hand (so cookies can be
 * captured at every hop and the final redirect to the client's redirect_uri,
 * which nothing serves, is read instead of followed), and whenever a page
 * with a form comes back (login, then consent) fill it in and POST it back.
 * A fresh cookie jar per call means a fresh provider session, so the
 * requested user really logs in every time.
 */
import { randomBytes } from 'node:crypto';

import { CookieJar } from './cookie-jar.js';
import { parseForm, type HtmlForm } from './html-form.js';
import type { TestClient } from './types.js';

// login + consent is ~8 hops; anything far beyond that is a loop.
const MAX_STEPS = 25;

export interface AuthorizeRequest {
  authorizationEndpoint: string;
  client: TestClient;
  user: string;
  scope: string;
}

export async function authorizeHeadlessly({ authorizationEndpoint, client, user, scope }: AuthorizeRequest): Promise<string> {
  const state = randomBytes(8).toString('hex');
  const start = new URL(authorizationEndpoint);
  start.search = new URLSearchParams({
    client_id: client.clientId,
    response_type: 'code',
    redirect_uri: client.redirectUri,
    scope,
    state,
    // Kept so `offline_access` is not stripped from the granted scope
    // (oidc-provider drops it without prompt=consent); refresh tokens are
    // issued either way, see issueRefreshToken in provider-config.ts.
    prompt: 'consent',
    login_hint: user,
  }).toString();
  return codeFrom(await followFrontChannel(start, client.redirectUri, { user }), state);
}

export interface FrontChannelOptions {
  user: string;
  /** Follow the interaction's Cancel link instead of logging in (error=access_denied). */
  deny?: boolean;
}

/**
 * Follows an authorization URL through login and consent and returns the redirect to `redirectUri`
 * (not followed). The URL is sent as given: state, PKCE parameters and all are the caller's.
 */
export async function followFrontChannel(start: URL, redirectUri: string, { user, deny = false }: FrontChannelOptions): Promise<URL> {
  const jar = new CookieJar();
  let url = start;
  let init: RequestInit = { method: 'GET' };

  for (let step = 0; step < MAX_STEPS; step += 1) {
    const cookie = jar.header(url);
    const response = await fetch(url, {
      ...init,
      redirect: 'manual',
      headers: { ...(init.headers as Record<string, string>), ...(cookie ? { cookie } : {}), accept: 'text/html' },
    });
    jar.store(response, url);

    const location = response.headers.get('location');
    if (response.status >= 300 && response.status < 400 && location) {
      await response.body?.cancel();
      const next = new URL(location, url);
      if (isRedirectUri(next, redirectUri)) return next;
      url = next;
      init = { method: 'GET' };
      continue;
    }

    const html = await response.text();
    const abort = deny && response.ok ? /href="([^"]*\/abort)"/.exec(html)?.[1] : undefined;
    if (abort) {
      ({ url, init } = { url: new URL(abort, url), init: { method: 'GET' } });
      continue;
    }
    const form = response.ok ? parseForm(html) : undefined;
    if (!form) {
      throw new Error(`authorize(): unexpected ${response.status} from ${url.pathname}: ${html.slice(0, 500)}`);
    }
    ({ url, init } = submission(form, url, user));
  }
  throw new Error(`authorize(): no redirect to the client after ${MAX_STEPS} requests`);
}

/** Fills the dev login form (any username, any password) or the consent form (hidden inputs only). */
function submission(form: HtmlForm, pageUrl: URL, user: string): { url: URL; init: RequestInit } {
  const fields = new URLSearchParams();
  for (const input of form.inputs) {
    if (input.value !== undefined && input.value !== '') fields.append(input.name, input.value);
    else if (input.type === 'password') fields.append(input.name, 'any-password');
    else fields.append(input.name, user);
  }
  const url = new URL(form.action || pageUrl.href, pageUrl);
  if (form.method === 'post') {
    return {
      url,
      init: {
        method: 'POST',
        body: fields.toString(),
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
      },
    };
  }
  url.search = fields.toString();
  return { url, init: { method: 'GET' } };
}

function isRedirectUri(url: URL, redirectUri: string): boolean {
  const target = new URL(redirectUri);
  return url.origin === target.origin && url.pathname === target.pathname;
}

function codeFrom(redirect: URL, expectedState: string): string {
  const params = redirect.searchParams;
  const error = params.get('error');
  if (error) {
    throw new Error(`authorize(): authorization failed: ${error}: ${params.get('error_description') ?? ''}`);
  }
  if (params.get('state') !== expectedState) {
    throw new Error('authorize(): state mismatch in the authorization response');
  }
  const code = params.get('code');
  if (!code) throw new Error(`authorize(): no code in ${redirect.href}`);
  return code;
}
