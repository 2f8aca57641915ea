/** createAuthorizationRequest: the URL and the pending authorization, without I/O. */
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { EUDataCenter, codeChallengeOf, createAuthorizationRequest, customEnvironment, isTokenStoreError } from '../src/index.js';

const environment = customEnvironment({ tokenEndpoint: 'https://auth.example.com/token' });
const base = { environment, clientId: 'client-1', redirectUri: 'https://app.example.com/callback', scope: ['openid', 'api'], authorizationEndpoint: 'https://auth.example.com/authorize?tenant=t1' };

function rejects(run: () => unknown, pattern: RegExp): void {
  let error: unknown;
  try {
    run();
  } catch (e) {
    error = e;
  }
  expect(isTokenStoreError(error, 'INVALID_ARGUMENT'), String(error)).toBe(true);
  expect((error as Error).message).toMatch(pattern);
}

describe('createAuthorizationRequest', () => {
  it('builds response_type=code with client, redirect, scope, random state and an S256 challenge of the kept verifier', () => {
    const { url, pending } = createAuthorizationRequest({ ...base, extraParams: { login_hint: 'alice' }, now: () => 1234 });
    const parsed = new URL(url);
    expect(parsed.origin + parsed.pathname).toBe('https://auth.example.com/authorize');
    const p = parsed.searchParams;
    expect(Object.fromEntries(p)).toEqual({
      tenant: 't1',
      response_type: 'code',
      client_id: 'client-1',
      redirect_uri: 'https://app.example.com/callback',
      scope: 'openid api',
      state: pending.state,
      code_challenge: createHash('sha256').update(pending.codeVerifier).digest('base64url'),
      code_challenge_method: 'S256',
      login_hint: 'alice',
    });
    expect(codeChallengeOf(pending.codeVerifier)).toBe(p.get('code_challenge'));
    expect(pending).toEqual({ state: expect.stringMatching(/^[\w-]{43}$/), codeVerifier: expect.stringMatching(/^[\w-]{43}$/), clientId: 'client-1', redirectUri: base.redirectUri, createdAt: 1234 });
    expect(url).not.toContain(pending.codeVerifier);
    expect(JSON.parse(JSON.stringify(pending))).toEqual(pending);
  });

  it('draws a fresh state and verifier every time', () => {
    const seen = new Set<string>();
    for (let i = 0; i < 50; i += 1) {
      const { pending } = createAuthorizationRequest(base);
      seen.add(pending.state).add(pending.codeVerifier);
    }
    expect(seen.size).toBe(100);
  });

  it('Zoho: its accounts server authorization endpoint, comma-joined scopes, access_type=offline and prompt=consent (unless offline: false)', () => {
    const zoho = { environment: EUDataCenter.PRODUCTION(), clientId: '1000.ABC', redirectUri: 'https://app.example.com/cb', scope: ['ZohoCRM.modules.ALL', 'ZohoCRM.settings.ALL'] };
    const url = new URL(createAuthorizationRequest(zoho).url);
    expect(url.origin + url.pathname).toBe('https://accounts.zoho.eu/oauth/v2/auth');
    expect(url.searchParams.get('scope')).toBe('ZohoCRM.modules.ALL,ZohoCRM.settings.ALL');
    expect(url.searchParams.get('access_type')).toBe('offline');
    expect(url.searchParams.get('prompt')).toBe('consent');
    const online = new URL(createAuthorizationRequest({ ...zoho, offline: false }).url);
    expect(online.searchParams.has('access_type')).toBe(false);
    // Not for other servers.
    expect(new URL(createAuthorizationRequest(base).url).searchParams.has('access_type')).toBe(false);
  });

  it('refuses extra parameters that would replace the ones it owns', () => {
    for (const name of ['state', 'code_challenge', 'code_challenge_method', 'redirect_uri', 'client_id', 'response_type', 'scope']) {
      rejects(() => createAuthorizationRequest({ ...base, extraParams: { [name]: 'x' } }), new RegExp(name));
    }
  });

  it('refuses a missing or unsafe authorization endpoint and bad arguments', () => {
    rejects(() => createAuthorizationRequest({ ...base, authorizationEndpoint: undefined }), /no known authorization endpoint/);
    rejects(() => createAuthorizationRequest({ ...base, authorizationEndpoint: 'http://auth.example.com/authorize' }), /https/);
    rejects(() => createAuthorizationRequest({ ...base, authorizationEndpoint: 'https://user:pw@auth.example.com/authorize' }), /credentials/);
    rejects(() => createAuthorizationRequest({ ...base, clientId: '' }), /clientId/);
    rejects(() => createAuthorizationRequest({ ...base, redirectUri: '/relative' }), /redirectUri/);
    rejects(() => createAuthorizationRequest({ ...base, scope: [] }), /scope/);
    rejects(() => createAuthorizationRequest({ ...base, scope: 'a\uD800' }), /scope/);
    // Loopback http is fine (local development, the tests' own server).
    expect(() => createAuthorizationRequest({ ...base, authorizationEndpoint: 'http://127.0.0.1:9/auth' })).not.toThrow();
  });
});
