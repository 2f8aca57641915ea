import { isTokenStoreError, type TokenStoreError, type TokenStoreErrorCode } from '@tokenstore/core';
import { expect } from 'vitest';

/** The TokenStoreError `promise` rejects with; fails the test on anything else. */
export async function rejection(promise: Promise<unknown>): Promise<TokenStoreError> {
  const error = await promise.then(
    () => {
      throw new Error('expected a rejection');
    },
    (e: unknown) => e,
  );
  expect(isTokenStoreError(error)).toBe(true);
  return error as TokenStoreError;
}

/** Awaits `promise` (or calls `fn`, which may throw) and expects a TokenStoreError with `code`. */
export async function rejectsWith(promise: Promise<unknown> | (() => unknown), code: TokenStoreErrorCode): Promise<Error> {
  try {
    await (typeof promise === 'function' ? promise() : promise);
  } catch (error) {
    expect(isTokenStoreError(error, code), `expected ${code}, got ${String(error)}`).toBe(true);
    return error as Error;
  }
  throw new Error(`expected a ${code} error`);
}
