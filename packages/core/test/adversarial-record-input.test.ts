/**
 * Hostile shapes of the records a caller hands the kit (saveToken's duck-typed token, findToken's
 * probe, putRecords' batch): a hole in the batch, a getter or proxy that throws with a secret in its
 * message. Each must be INVALID_ARGUMENT before anything is written, and carry nothing of the
 * caller's error (it may hold anything, secrets included).
 */
import { describe, expect, it } from 'vitest';
import { MemoryStore, OAuthToken } from '../src/index.js';
import { isTokenStoreError, type TokenRecord } from '../src/store-kit.js';

const SECRET = 'R-secret-adversarial-3f9a';

const record = (id: string): TokenRecord => ({ ...new OAuthToken({ accessToken: `A-${id}`, refreshToken: `R-${id}` }).toRecord(), id });

/** A record whose refresh token getter throws an error naming a secret. */
function throwingRecord(): TokenRecord {
  return Object.defineProperty({ ...record('throwing') }, 'refreshToken', {
    enumerable: true,
    get() {
      throw new Error(`cannot read ${SECRET}`);
    },
  });
}

/** The rejection of `call`, which must be INVALID_ARGUMENT with no trace of SECRET (message, cause, inspect). */
async function expectInvalidWithoutSecret(call: () => Promise<unknown>): Promise<void> {
  const error = await call().then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(isTokenStoreError(error, 'INVALID_ARGUMENT'), `expected INVALID_ARGUMENT, got ${String(error)}`).toBe(true);
  const seen = [String((error as Error).message), String((error as Error).stack), String((error as Error).cause), JSON.stringify(error)].join('\n');
  expect(seen).not.toContain(SECRET);
  expect((error as Error).cause).toBeUndefined();
}

describe('putRecords with a hostile batch', () => {
  it('a hole in the batch (a sparse array) is INVALID_ARGUMENT and nothing of the batch is written', async () => {
    const store = new MemoryStore();
    // eslint-disable-next-line no-sparse-arrays
    const batch = [record('a'), , record('b')] as TokenRecord[];
    await expectInvalidWithoutSecret(() => store.putRecords(batch));
    expect(await store.getTokens()).toEqual([]);
  });

  it('a record whose field getter throws is INVALID_ARGUMENT, without the getter error, and nothing is written', async () => {
    const store = new MemoryStore();
    await expectInvalidWithoutSecret(() => store.putRecords([record('a'), throwingRecord()]));
    expect(await store.getTokens()).toEqual([]);
  });

  it('a batch (a proxy array) whose element read throws is INVALID_ARGUMENT, without the error, and nothing is written', async () => {
    const store = new MemoryStore();
    const batch = new Proxy([record('a'), record('b')], {
      get(target, key, receiver) {
        if (key === '1') throw new Error(`cannot read ${SECRET}`);
        return Reflect.get(target, key, receiver);
      },
    });
    await expectInvalidWithoutSecret(() => store.putRecords(batch));
    expect(await store.getTokens()).toEqual([]);
  });
});

describe('saveToken and findToken with a duck-typed token whose record throws on read', () => {
  const token = { toRecord: () => throwingRecord() } as unknown as OAuthToken;

  it('saveToken: INVALID_ARGUMENT (a TokenStoreError, not the getter error), nothing written', async () => {
    const store = new MemoryStore();
    await expectInvalidWithoutSecret(() => store.saveToken(token));
    expect(await store.getTokens()).toEqual([]);
  });

  it('findToken: INVALID_ARGUMENT (a TokenStoreError, not the getter error)', async () => {
    await expectInvalidWithoutSecret(() => new MemoryStore().findToken(token));
  });
});
