import type { ExpectStatic } from 'vitest';
import type { OAuthToken, OAuthTokenInit, TokenStore } from '@tokenstore/core';

/**
 * What a test needs beyond the six methods. `lock`: the test is skipped (with that reason) when the store
 * has no `lock`. `close`: the store must have `close()`, or the test must be skipped by id with a reason.
 * `reopen`: needs `options.reopenStore`. `putRecords`: skipped when the store has no `putRecords` (the kit's bulk copy).
 * `acquireAndFind` / `saveAndRelease`: skipped when the store's lock lacks that optional method (two
 * operations in one round trip).
 */
export type CaseNeed = 'lock' | 'close' | 'reopen' | 'putRecords' | 'acquireAndFind' | 'saveAndRelease';

/** What a test body gets: a fresh store and helpers around it. */
export interface CaseContext {
  readonly expect: ExpectStatic;
  /** The store under test (the latest instance after `reopen()`). */
  readonly store: TokenStore;
  /** A short random tag, unique to this test, for values that must not collide with other data. */
  readonly uid: string;
  /** The store's declared lease granularity in ms (options.leaseGranularityMs; 0: exact). */
  readonly leaseGranularityMs: number;
  /** Whether `peer()` returns another instance (options.openPeer given). */
  readonly hasPeer: boolean;
  /** A second instance on the same data (options.openPeer), or the store itself when there is none. */
  peer(): Promise<TokenStore>;
  /** Closes the store and opens it again on the same data (options.reopenStore); updates `store`. */
  reopen(): Promise<TokenStore>;
  /** Builds a token and remembers its secrets, which no error message may contain. */
  token(init: OAuthTokenInit): OAuthToken;
  /** Every secret value of the tokens built with `token()` so far. */
  readonly secrets: ReadonlySet<string>;
}

export interface ConformanceCase {
  /** Stable id, shown in the title and used in `options.skip`. */
  readonly id: string;
  readonly title: string;
  readonly needs?: CaseNeed;
  run(t: CaseContext): Promise<void>;
}

/** The id and title of a conformance test, as listed in `CONFORMANCE_TESTS`. */
export interface ConformanceTestInfo {
  readonly id: string;
  readonly title: string;
  readonly needs?: CaseNeed;
}
