import { describe, expect, it } from 'vitest';
import { MemoryStore } from '../src/index.js';
import { RECORD_STRING_FIELDS, RecordTokenStore, emptyRecord, recordOfToken, validateRecord, type RecordBackend, type TokenRecord, OAuthToken, isTokenStoreError } from '../src/store-kit.js';
import { MapBackend } from './helpers/map-backend.js';

/** Strings that UTF-8 cannot hold exactly (lone surrogates) and NUL, which PostgreSQL text cannot hold. */
const UNSTORABLE = ['x\uD800y', 'x\uDC00y', '\uDC00\uD800', 'end\uD83D', 'nul\u0000inside'];
const FINE = ['\u{1F511} pair', 'caf\u00e9', 'plain'];

/** A duck-typed token: what a third-party caller may pass instead of an OAuthToken. */
const duck = (record: Partial<Record<keyof TokenRecord, unknown>>) => ({ toRecord: () => ({ ...emptyRecord(), ...record }) }) as unknown as OAuthToken;

function expectInvalid(call: () => unknown): void {
  let error: unknown;
  try {
    call();
  } catch (e) {
    error = e;
  }
  expect(isTokenStoreError(error, 'INVALID_ARGUMENT'), `expected INVALID_ARGUMENT, got ${String(error)}`).toBe(true);
}

async function rejectsInvalid(promise: Promise<unknown>): Promise<void> {
  const error = await promise.then(() => undefined, (e: unknown) => e);
  expect(isTokenStoreError(error, 'INVALID_ARGUMENT'), `expected INVALID_ARGUMENT, got ${String(error)}`).toBe(true);
}

/** Counts writes, so a test can prove a rejected save wrote nothing (also not through the fast path). */
class CountingBackend extends MapBackend implements RecordBackend {
  writes = 0;
  async insert(record: TokenRecord): Promise<void> {
    this.writes++;
    this.records.set(record.id as string, { ...record });
  }
  async replace(id: string, record: TokenRecord, expectedUserName: string | null): Promise<boolean> {
    this.writes++;
    if (this.records.get(id)?.userName !== expectedUserName) return false;
    this.records.set(id, { ...record, id });
    return true;
  }
  async replaceIfSelectable(record: TokenRecord): Promise<boolean> {
    this.writes++;
    return this.replace(record.id as string, record, this.records.get(record.id as string)?.userName ?? null);
  }
}

describe('one rule for strings: well-formed UTF-16, no NUL', () => {
  it('new OAuthToken rejects an unstorable string in every field, the user name included, with INVALID_ARGUMENT', () => {
    for (const value of UNSTORABLE) {
      for (const field of RECORD_STRING_FIELDS) {
        const init = field === 'userName' ? { userSignature: { name: value } } : { [field]: value };
        expectInvalid(() => new OAuthToken(init));
        expectInvalid(() => new OAuthToken({ accessToken: 'a' }).with(init));
      }
    }
  });

  it('OAuthToken.fromRecord applies the same rule (a store never hands out such a token)', () => {
    for (const value of UNSTORABLE) {
      for (const field of RECORD_STRING_FIELDS) expectInvalid(() => OAuthToken.fromRecord({ ...emptyRecord(), [field]: value }));
    }
  });

  it('accepts well-formed strings (surrogate pairs included) unchanged', () => {
    for (const value of FINE) {
      const token = new OAuthToken({ userSignature: { name: value }, refreshToken: value });
      expect(token.toRecord()).toMatchObject({ userName: value, refreshToken: value });
    }
  });

  it('type errors of a token are INVALID_ARGUMENT TokenStoreErrors too', () => {
    expectInvalid(() => new OAuthToken({ refreshToken: 42 as unknown as string }));
    expectInvalid(() => new OAuthToken({ expiresAt: 'soon' as unknown as number }));
    expectInvalid(() => new OAuthToken({ userSignature: { name: {} as unknown as string } }));
    expectInvalid(() => new OAuthToken(null as never));
  });
});

describe('validateRecord / recordOfToken (the write validator)', () => {
  const invalid: [string, Partial<Record<keyof TokenRecord, unknown>>][] = [
    ["expiresAt 'soon'", { expiresAt: 'soon' }],
    ["expiresAt ' 42 '", { expiresAt: ' 42 ' }],
    ["expiresAt '-5'", { expiresAt: '-5' }],
    ['expiresAt 1.5', { expiresAt: 1.5 }],
    ['expiresAt NaN', { expiresAt: Number.NaN }],
    ['expiresAt Infinity', { expiresAt: Number.POSITIVE_INFINITY }],
    ['expiresAt 2^53', { expiresAt: 2 ** 53 }],
    ['expiresAt 42n', { expiresAt: 42n }],
    ['refreshToken 42', { refreshToken: 42 }],
    ['userName an object', { userName: { name: 'alice' } }],
    ['id an array', { id: ['a'] }],
    ['a lone surrogate in the user name', { userName: 'mallory\uD800' }],
    ['NUL in the access token', { accessToken: 'a\u0000b' }],
  ];

  it('rejects each kind of invalid record with INVALID_ARGUMENT naming the field, never the value', () => {
    for (const [label, record] of invalid) {
      let error: unknown;
      try {
        validateRecord({ ...emptyRecord(), ...record });
      } catch (e) {
        error = e;
      }
      expect(isTokenStoreError(error, 'INVALID_ARGUMENT'), label).toBe(true);
      const field = Object.keys(record)[0] as string;
      expect((error as Error).message, label).toContain(`"${field}"`);
      for (const value of Object.values(record)) if (typeof value === 'string') expect((error as Error).message).not.toContain(value);
    }
  });

  it('returns a clean copy: absent (undefined) fields become null, an empty user name means no user, extra keys are dropped', () => {
    const record = validateRecord({ accessToken: 'a', userName: '', expiresAt: 5, extra: 'x' });
    expect(record).toEqual({ ...emptyRecord(), accessToken: 'a', expiresAt: 5 });
  });

  it('recordOfToken rejects what is not a token, a toRecord() that is not a record, and a toRecord() that throws', () => {
    for (const bad of [null, undefined, 42, 'token', {}, { toRecord: () => null }, { toRecord: () => 'x' }, { toRecord: () => { throw new Error('boom'); } }]) {
      expectInvalid(() => recordOfToken(bad));
    }
  });

  it('recordOfToken calls toRecord() once, so a token cannot show one record to the check and another to the write', () => {
    let calls = 0;
    const token = { toRecord: () => ({ ...emptyRecord(), accessToken: calls++ === 0 ? 'ok' : 42 }) };
    expect(recordOfToken(token).accessToken).toBe('ok');
    expect(calls).toBe(1);
  });
});

describe('RecordTokenStore validates before anything is written', () => {
  it('saveToken of each kind of invalid duck-typed token rejects with INVALID_ARGUMENT and writes nothing (fast path included)', async () => {
    const backend = new CountingBackend();
    const store = new RecordTokenStore(backend);
    const saved = await store.saveToken(new OAuthToken({ userSignature: { name: 'alice' }, accessToken: 'a' }));
    backend.writes = 0;
    const bad = [
      { expiresAt: 'soon' },
      { expiresAt: ' 42 ' },
      { expiresAt: 1.5 },
      { refreshToken: 42 },
      { userName: { name: 'x' } },
      { userName: 'mallory\uD800' },
      { clientSecret: 'a\u0000' },
    ];
    for (const record of bad) {
      // With the id and user name of a stored record: the fast path would be taken first.
      await rejectsInvalid(store.saveToken(duck({ id: saved.id, userName: 'alice', ...record })));
      await rejectsInvalid(store.saveToken(duck(record)));
    }
    expect(backend.writes).toBe(0);
    expect((await store.getTokens()).map((t) => t.toRecord())).toEqual([saved.toRecord()]);
  });

  it('findToken, findTokenById and deleteToken reject unstorable probes with INVALID_ARGUMENT (a lossy store would match another value)', async () => {
    const store = new MemoryStore();
    const mallory = await store.saveToken(new OAuthToken({ id: 'id\uFFFD', userSignature: { name: 'mallory\uFFFD' }, accessToken: 'a\uFFFD' }));
    for (const value of ['mallory\uD800', 'id\uD800', 'a\uD800', 'x\u0000']) {
      for (const field of ['id', 'userName', 'accessToken', 'refreshToken', 'grantToken']) {
        await rejectsInvalid(store.findToken(duck({ [field]: value, clientId: 'c' })));
      }
      await rejectsInvalid(store.findTokenById(value));
      await rejectsInvalid(store.deleteToken(value));
    }
    expect((await store.getTokens()).map((t) => t.toRecord())).toEqual([mallory.toRecord()]);
  });
});
