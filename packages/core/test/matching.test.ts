import { describe, expect, it } from 'vitest';
import { emptyRecord, type TokenRecord } from '../src/store-kit.js';
import { findMatch, findMatchIn, isBlank, probeIdentifiers, userMayMatch } from '../src/matching.js';

/** A record with only the given fields set. */
function rec(fields: Partial<TokenRecord>): TokenRecord {
  return { ...emptyRecord(), ...fields };
}

describe('isBlank', () => {
  it.each([
    [null, true],
    [undefined, true],
    ['', true],
    [' ', false],
    ['0', false],
  ])('isBlank(%j) is %s', (value, expected) => {
    expect(isBlank(value as string | null | undefined)).toBe(expected);
  });
});

describe('probeIdentifiers: each identifier alone', () => {
  it.each<[string, Partial<TokenRecord>, string[]]>([
    ['id', { id: 'i1' }, ['id']],
    ['user name', { userName: 'a@x' }, ['userName']],
    ['grant token with clientId', { grantToken: 'g', clientId: 'c' }, ['grantToken']],
    ['grant token without clientId', { grantToken: 'g' }, []],
    ['refresh token with clientId', { refreshToken: 'r', clientId: 'c' }, ['refreshToken']],
    ['refresh token without clientId', { refreshToken: 'r' }, []],
    ['access token', { accessToken: 'a' }, ['accessToken']],
    ['clientId alone identifies nothing', { clientId: 'c' }, []],
    ['other fields identify nothing', { clientSecret: 's', redirectUrl: 'u', apiDomain: 'd', expiresAt: 1 }, []],
    ['nothing', {}, []],
  ])('%s', (_label, fields, expected) => {
    expect(probeIdentifiers(rec(fields)).map((i) => i.field)).toEqual(expected);
  });
});

describe('probeIdentifiers: precedence when several are present', () => {
  it('orders id, user name, grant, refresh, access', () => {
    const probe = rec({ id: 'i', userName: 'u', clientId: 'c', grantToken: 'g', refreshToken: 'r', accessToken: 'a' });
    expect(probeIdentifiers(probe)).toEqual([
      { field: 'id', value: 'i' },
      { field: 'userName', value: 'u' },
      { field: 'grantToken', value: 'g', clientId: 'c' },
      { field: 'refreshToken', value: 'r', clientId: 'c' },
      { field: 'accessToken', value: 'a' },
    ]);
  });

  it('drops grant and refresh (but not access) when clientId is missing', () => {
    const probe = rec({ userName: 'u', grantToken: 'g', refreshToken: 'r', accessToken: 'a' });
    expect(probeIdentifiers(probe).map((i) => i.field)).toEqual(['userName', 'accessToken']);
  });
});

describe('probeIdentifiers: empty strings count as absent', () => {
  it.each<[string, Partial<TokenRecord>]>([
    ['id', { id: '' }],
    ['user name', { userName: '' }],
    ['grant token', { grantToken: '', clientId: 'c' }],
    ['refresh token', { refreshToken: '', clientId: 'c' }],
    ['access token', { accessToken: '' }],
    ['clientId empty disables grant/refresh', { clientId: '', grantToken: 'g', refreshToken: 'r' }],
  ])('%s', (_label, fields) => {
    expect(probeIdentifiers(rec(fields))).toEqual([]);
  });
});

describe('userMayMatch: the user-binding rule', () => {
  it.each<[string | null, string | null, boolean]>([
    ['a', 'a', true],
    ['a', 'b', false],
    ['a', null, true],
    ['a', '', true],
    [null, 'b', true],
    ['', 'b', true],
    [null, null, true],
    ['A', 'a', false],
  ])('probe user %j, record user %j -> %s', (probeUser, recordUser, expected) => {
    expect(userMayMatch(probeUser, recordUser)).toBe(expected);
  });
});

describe('findMatchIn: match precedence over stored records', () => {
  const stored = [
    rec({ id: 'r1', userName: 'alice', clientId: 'c1', grantToken: 'g1', refreshToken: 'rt1', accessToken: 'at1' }),
    rec({ id: 'r2', userName: 'bob', clientId: 'c1', grantToken: 'g2', refreshToken: 'rt2', accessToken: 'at2' }),
    rec({ id: 'r3', clientId: 'c2', refreshToken: 'rt3', accessToken: 'at3' }),
  ];

  it.each<[string, Partial<TokenRecord>, string | null]>([
    ['by id', { id: 'r2' }, 'r2'],
    ['by user name', { userName: 'alice' }, 'r1'],
    ['by grant token with the same clientId', { clientId: 'c1', grantToken: 'g2' }, 'r2'],
    ['grant token with another clientId selects nothing', { clientId: 'c2', grantToken: 'g2' }, null],
    ['by refresh token with the same clientId', { clientId: 'c2', refreshToken: 'rt3' }, 'r3'],
    ['refresh token with another clientId selects nothing', { clientId: 'c1', refreshToken: 'rt3' }, null],
    ['refresh token without clientId selects nothing', { refreshToken: 'rt1' }, null],
    ['by access token (no clientId needed)', { accessToken: 'at3' }, 'r3'],
    ['id beats user name', { id: 'r3', userName: 'alice' }, 'r3'],
    ['unknown id falls through to user name', { id: 'nope', userName: 'alice' }, 'r1'],
    ['user name beats grant token', { userName: 'alice', clientId: 'c1', grantToken: 'g1' }, 'r1'],
    ['grant beats refresh', { clientId: 'c1', grantToken: 'g1', refreshToken: 'rt2' }, 'r1'],
    ['refresh beats access', { clientId: 'c1', refreshToken: 'rt2', accessToken: 'at1' }, 'r2'],
    ['unknown values select nothing', { id: 'x', userName: 'x', accessToken: 'x' }, null],
    ['no identifier selects nothing', { clientId: 'c1', clientSecret: 's' }, null],
    ['values match exactly, not by case', { userName: 'ALICE' }, null],
    ['values match exactly, not by prefix', { accessToken: 'at' }, null],
  ])('%s', (_label, probe, expectedId) => {
    expect(findMatchIn(rec(probe), stored)?.id ?? null).toBe(expectedId);
  });
});

describe('findMatchIn: user binding', () => {
  const stored = [
    rec({ id: 'a', userName: 'alice', clientId: 'c', refreshToken: 'shared', accessToken: 'acc' }),
    rec({ id: 'u', clientId: 'c', refreshToken: 'free', accessToken: 'acc-free' }),
  ];

  it.each<[string, Partial<TokenRecord>, string | null]>([
    ["another user's id is not returned", { id: 'a', userName: 'bob' }, null],
    ["another user's refresh token is not returned", { userName: 'bob', clientId: 'c', refreshToken: 'shared' }, null],
    ["another user's access token is not returned", { userName: 'bob', accessToken: 'acc' }, null],
    ['the same user matches', { userName: 'alice', clientId: 'c', refreshToken: 'shared' }, 'a'],
    ['a record with no user can be adopted', { userName: 'bob', clientId: 'c', refreshToken: 'free' }, 'u'],
    ['a probe with no user sees bound records', { clientId: 'c', refreshToken: 'shared' }, 'a'],
    ['binding applies to the id identifier too; falls through to the next', { id: 'a', userName: 'bob', accessToken: 'acc-free' }, 'u'],
  ])('%s', (_label, probe, expectedId) => {
    expect(findMatchIn(rec(probe), stored)?.id ?? null).toBe(expectedId);
  });

  it("prefers the probe user's own record over an unbound one with the same value", () => {
    const records = [
      rec({ id: '0-unbound', accessToken: 'same' }),
      rec({ id: '1-alice', userName: 'alice', accessToken: 'same' }),
    ];
    expect(findMatchIn(rec({ userName: 'alice', accessToken: 'same' }), records)?.id).toBe('1-alice');
  });

  it('breaks remaining ties by the smallest id, whatever the storage order', () => {
    const records = [rec({ id: 'b', accessToken: 'same' }), rec({ id: 'a', accessToken: 'same' })];
    expect(findMatchIn(rec({ accessToken: 'same' }), records)?.id).toBe('a');
    expect(findMatchIn(rec({ accessToken: 'same' }), [...records].reverse())?.id).toBe('a');
  });
});

describe('findMatch: drives an indexed lookup', () => {
  it('asks one field at a time, in precedence order, and stops at the first selection', async () => {
    const asked: string[] = [];
    const stored = [rec({ id: 'r', clientId: 'c', refreshToken: 'rt' })];
    const match = await findMatch(rec({ id: 'x', userName: 'u', clientId: 'c', grantToken: 'g', refreshToken: 'rt', accessToken: 'at' }), (field, value) => {
      asked.push(field);
      return stored.filter((r) => r[field] === value);
    });
    expect(match?.id).toBe('r');
    expect(asked).toEqual(['id', 'userName', 'grantToken', 'refreshToken']);
  });

  it('asks nothing for a probe with no identifier', async () => {
    let calls = 0;
    const match = await findMatch(rec({ clientId: 'c' }), () => {
      calls++;
      return [];
    });
    expect(match).toBeNull();
    expect(calls).toBe(0);
  });
});
