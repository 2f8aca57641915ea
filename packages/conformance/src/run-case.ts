import { randomUUID } from 'node:crypto';
import { OAuthToken, type OAuthTokenInit, type TokenStore } from '@tokenstore/core';
import type { ExpectStatic } from 'vitest';
import type { CaseContext, ConformanceCase } from './conformance-case.js';
import type { ConformanceOptions } from './options.js';
import { withRule } from './failure-rule.js';
import { optionsError } from './options-error.js';

const SECRET_FIELDS = ['clientSecret', 'grantToken', 'refreshToken', 'accessToken'] as const;

/** What the suite needs from vitest's per-test context. */
export interface TestContextLike {
  expect?: ExpectStatic;
  skip?: (note?: string) => never;
}

/**
 * Runs one conformance test on a fresh store: createStore, the test body, then cleanup (destroyStore,
 * or close; peers are closed). A cleanup failure fails an otherwise passing test.
 */
export async function runCase(c: ConformanceCase, options: ConformanceOptions, context: TestContextLike, fallbackExpect: ExpectStatic, prefix: string): Promise<void> {
  const expect = context.expect ?? fallbackExpect;
  let current = await options.createStore();
  assertStore(current, 'createStore()');
  const peers: TokenStore[] = [];
  const secrets = new Set<string>();

  const skipReason = unmetNeed(c, current);
  if (skipReason.kind === 'skip') {
    await cleanup(options, current, peers);
    console.info(`${prefix} skipping ${c.id}: ${skipReason.reason}`);
    if (context.skip) context.skip(skipReason.reason);
    return;
  }
  if (skipReason.kind === 'fail') {
    await cleanup(options, current, peers);
    throw new Error(skipReason.reason);
  }

  const t: CaseContext = {
    expect,
    get store() {
      return current;
    },
    uid: randomUUID().slice(0, 8),
    hasPeer: options.openPeer !== undefined,
    leaseGranularityMs: options.leaseGranularityMs ?? 0,
    async peer() {
      if (!options.openPeer) return current;
      const peer = await options.openPeer(current);
      assertStore(peer, 'openPeer()');
      peers.push(peer);
      return peer;
    },
    async reopen() {
      if (!options.reopenStore) throw new Error('this test needs options.reopenStore');
      const next = await options.reopenStore(current);
      assertStore(next, 'reopenStore()');
      current = next;
      return next;
    },
    token(init: OAuthTokenInit) {
      const token = new OAuthToken(init);
      for (const field of SECRET_FIELDS) {
        const value = token[field];
        if (value) secrets.add(value);
      }
      return token;
    },
    secrets,
  };

  let failure: { error: unknown } | undefined;
  try {
    await c.run(t);
  } catch (error) {
    failure = { error };
  }
  try {
    await cleanup(options, current, peers);
  } catch (error) {
    if (!failure) {
      throw new Error(`[${c.id}] rule: ${c.title}\nexpected the cleanup after the test (destroyStore, or close()) to succeed, but it failed: ${String((error as Error)?.message ?? error)}`, { cause: error });
    }
  }
  if (failure) throw withRule(c.id, c.title, failure.error);
}

function unmetNeed(c: ConformanceCase, store: TokenStore): { kind: 'ok' } | { kind: 'skip' | 'fail'; reason: string } {
  if (c.needs === 'lock' && !store.lock) return { kind: 'skip', reason: 'the store has no lock (optional RefreshLock capability)' };
  if (c.needs === 'acquireAndFind' && typeof store.lock?.acquireAndFind !== 'function') return { kind: 'skip', reason: "the store's lock has no acquireAndFind (optional: acquire and read in one round trip)" };
  if (c.needs === 'saveAndRelease' && typeof store.lock?.saveAndRelease !== 'function') return { kind: 'skip', reason: "the store's lock has no saveAndRelease (optional: save and release in one round trip)" };
  if (c.needs === 'putRecords' && typeof (store as { putRecords?: unknown }).putRecords !== 'function') return { kind: 'skip', reason: 'the store has no putRecords (the store kit\'s bulk copy)' };
  if (c.needs === 'close' && typeof store.close !== 'function') {
    return {
      kind: 'fail',
      reason: `the store has no close(); if that is intended, skip this test with a reason: skip: { '${c.id}': 'why' }`,
    };
  }
  return { kind: 'ok' };
}

async function cleanup(options: ConformanceOptions, current: TokenStore, peers: TokenStore[]): Promise<void> {
  const errors: unknown[] = [];
  try {
    if (options.destroyStore) await options.destroyStore(current);
    else await current.close?.();
  } catch (error) {
    errors.push(error);
  }
  for (const peer of new Set(peers)) {
    if (peer === current) continue;
    try {
      await peer.close?.();
    } catch (error) {
      errors.push(error);
    }
  }
  if (errors.length > 0) throw errors[0];
}

function assertStore(store: unknown, what: string): asserts store is TokenStore {
  const s = store as Partial<TokenStore> | null | undefined;
  const methods = ['findToken', 'findTokenById', 'saveToken', 'deleteToken', 'getTokens', 'deleteTokens'] as const;
  const missing = s === null || s === undefined ? [...methods] : methods.filter((m) => typeof s[m] !== 'function');
  if (missing.length > 0) throw optionsError(`${what} must resolve to a TokenStore; missing: ${missing.join(', ')}`);
}
