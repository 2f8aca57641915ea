import { inspect } from 'node:util';
import { describe, expect, it } from 'vitest';
import { OAuthToken, REDACTED, UserSignature } from '../src/index.js';

const SECRETS = { clientSecret: 'cs-SECRET-1', grantToken: 'gt-SECRET-2', refreshToken: 'rt-SECRET-3', accessToken: 'at-SECRET-4' };

function full(): OAuthToken {
  return new OAuthToken({
    id: 'id-1',
    userSignature: new UserSignature('alice@example.com'),
    clientId: 'client',
    ...SECRETS,
    redirectUrl: 'https://app.example/cb',
    expiresAt: 1767225600123,
    apiDomain: 'https://api.example',
    tokenType: 'Bearer',
    scope: 'a b',
  });
}

function expectNoSecret(text: string): void {
  for (const secret of Object.values(SECRETS)) expect(text).not.toContain(secret);
}

describe('OAuthToken', () => {
  it('exposes every field through getters', () => {
    const token = full();
    expect(token.userSignature?.name).toBe('alice@example.com');
    expect(token.accessToken).toBe(SECRETS.accessToken);
    expect(token.expiresAt).toBe(1767225600123);
    expect(token.scope).toBe('a b');
  });

  it('never shows secrets in JSON, inspect, String, spread or keys', () => {
    const token = full();
    const json = JSON.stringify(token);
    expectNoSecret(json);
    expectNoSecret(inspect(token, { depth: 10 }));
    expectNoSecret(inspect({ nested: { token } }, { depth: 10 }));
    expectNoSecret(String(token));
    expectNoSecret(JSON.stringify({ ...token }));
    expect(Object.keys(token)).toEqual([]);
    expect(JSON.parse(json)).toMatchObject({ accessToken: REDACTED, refreshToken: REDACTED, clientId: 'client' });
  });

  it('is immutable; with() returns a new token and null clears a field', () => {
    const token = full();
    expect(() => {
      (token as unknown as { accessToken: string }).accessToken = 'x';
    }).toThrow();
    const next = token.with({ accessToken: 'new', grantToken: null });
    expect(next).not.toBe(token);
    expect(next.accessToken).toBe('new');
    expect(next.grantToken).toBeUndefined();
    expect(token.accessToken).toBe(SECRETS.accessToken);
    expect(next.id).toBe('id-1');
  });

  it('round-trips through toRecord/fromRecord byte for byte', () => {
    const token = full();
    expect(OAuthToken.fromRecord(token.toRecord()).toRecord()).toEqual(token.toRecord());
  });

  it.each<[string, number | undefined, string | undefined, number, number, boolean]>([
    ['valid before expiry', 1000, 'a', 0, 500, false],
    ['expired at expiry', 1000, 'a', 0, 1000, true],
    ['expired within skew', 1000, 'a', 100, 950, true],
    ['unknown expiry counts as expired', undefined, 'a', 0, 0, true],
    ['no access token counts as expired', 1000, undefined, 0, 0, true],
  ])('isExpired: %s', (_label, expiresAt, accessToken, skew, now, expected) => {
    expect(new OAuthToken({ expiresAt, accessToken }).isExpired(now, skew)).toBe(expected);
  });

  it('rejects wrongly typed fields with a message naming the field, not the value', () => {
    expect(() => new OAuthToken({ accessToken: 42 as unknown as string })).toThrow(/accessToken/);
    expect(() => new OAuthToken({ expiresAt: 1.5 })).toThrow(/expiresAt/);
    expect(() => new OAuthToken({ expiresAt: '123' as unknown as number })).toThrow(/expiresAt/);
    expect(() => new OAuthToken({ userSignature: {} as UserSignature })).toThrow(/userSignature/);
  });

  it('treats an empty user name as no user', () => {
    expect(new OAuthToken({ userSignature: { name: '' } }).userSignature).toBeUndefined();
  });
});
