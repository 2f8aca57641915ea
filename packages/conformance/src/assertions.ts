import { inspect } from 'node:util';
import { type TokenRecord, isTokenStoreError, type OAuthToken, type TokenStore } from '@tokenstore/core/store-kit';
import type { ExpectStatic } from 'vitest';
import type { CaseContext } from './conformance-case.js';

/** The explicit serialisation of what a store returned, after checking it is an OAuthToken. */
export function recordOf(expect: ExpectStatic, value: unknown, what: string): TokenRecord {
  expect(value, `${what}: expected an OAuthToken, got ${String(value)}`).toBeTruthy();
  expect(typeof (value as OAuthToken).toRecord, `${what}: expected an OAuthToken (with toRecord())`).toBe('function');
  return (value as OAuthToken).toRecord();
}

/** Asserts the returned token equals `expected` field for field (byte for byte, ms for ms). */
export function expectToken(expect: ExpectStatic, actual: unknown, expected: TokenRecord, what: string): void {
  expect(recordOf(expect, actual, what), what).toEqual(expected);
}

/** Every stored record, through `getTokens()`. */
export async function listRecords(t: CaseContext, store: TokenStore = t.store): Promise<TokenRecord[]> {
  const tokens = await store.getTokens();
  t.expect(Array.isArray(tokens), 'getTokens() must resolve to an array').toBe(true);
  return tokens.map((token, i) => recordOf(t.expect, token, `getTokens()[${i}]`));
}

/** The stored record with this id, through `findTokenById`; fails when there is none. */
export async function byId(t: CaseContext, id: string, store: TokenStore = t.store): Promise<TokenRecord> {
  const found = await store.findTokenById(id);
  t.expect(found, `findTokenById(${JSON.stringify(short(id))}) must find the record`).not.toBeNull();
  return recordOf(t.expect, found, `findTokenById(${JSON.stringify(short(id))})`);
}

/** Saves and returns the stored record (with its id). */
export async function save(t: CaseContext, token: OAuthToken, store: TokenStore = t.store): Promise<TokenRecord> {
  const saved = recordOf(t.expect, await store.saveToken(token), 'saveToken() result');
  t.expect(typeof saved.id === 'string' && saved.id !== '', 'saveToken() must return the stored token with a non-empty string id').toBe(true);
  return saved;
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, Math.max(0, ms)));

/** Shortens long values in assertion messages. */
export function short(value: string | null | undefined): string | null | undefined {
  if (typeof value !== 'string' || value.length <= 60) return value;
  return `${value.slice(0, 40)}...(${value.length} chars)`;
}

/**
 * Asserts `call` returns a promise that rejects with a TokenStoreError (with `code` when given), and
 * that the error, its message, stack and causes show none of the test's secrets.
 */
export async function expectStoreError(t: CaseContext, call: () => unknown, code: string | undefined, what: string): Promise<void> {
  let promise: unknown;
  try {
    promise = call();
  } catch (error) {
    throw new Error(`${what}: must return a rejected promise, but threw synchronously (${describeError(error)})`);
  }
  t.expect(typeof (promise as Promise<unknown> | undefined)?.then, `${what}: must return a promise`).toBe('function');
  let rejected = false;
  let error: unknown;
  try {
    await promise;
  } catch (e) {
    rejected = true;
    error = e;
  }
  t.expect(rejected, `${what}: must reject`).toBe(true);
  t.expect(isTokenStoreError(error), `${what}: must reject with a TokenStoreError, got ${describeError(error)}`).toBe(true);
  const actual = (error as { code?: unknown }).code;
  t.expect(typeof actual === 'string' && actual !== '', `${what}: the TokenStoreError must have a code`).toBe(true);
  if (code !== undefined) t.expect(actual, `${what}: error code`).toBe(code);
  expectNoSecrets(t, error, what);
}

/** Asserts nothing a logger could print about `error` (message, stack, causes, properties) shows a secret. */
export function expectNoSecrets(t: CaseContext, error: unknown, what: string): void {
  const texts: string[] = [];
  let current: unknown = error;
  for (let depth = 0; depth < 8 && current !== undefined && current !== null; depth++) {
    if (current instanceof Error) texts.push(String(current.message), String(current.stack));
    else texts.push(String(current));
    current = (current as { cause?: unknown }).cause;
  }
  texts.push(inspect(error, { depth: 8, showHidden: false }));
  const text = texts.join('\n');
  for (const secret of t.secrets) {
    if (secret.length < 8) continue;
    t.expect(text.includes(secret), `${what}: the error (message, stack, cause or properties) shows a secret value`).toBe(false);
  }
}

function describeError(error: unknown): string {
  if (error instanceof Error) return `${error.name}${'code' in error ? ` (${String((error as { code: unknown }).code)})` : ''}`;
  return typeof error;
}
