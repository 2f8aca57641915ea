import type { TokenStore } from '@tokenstore/core';
import { optionsError } from './options-error.js';

/**
 * The part of the caller's `import * as vitest from 'vitest'` the suite uses. The suite never imports
 * vitest itself: it registers its tests through the caller's copy, so it runs under whatever vitest
 * (and vitest config) the store's own test run uses.
 *
 * Declared structurally, without importing vitest's types: vitest's types are ESM-only, and a
 * CommonJS consumer (module node16) would get TS1479 from a .d.cts that imports them.
 */
export interface VitestApi {
  // Loose on purpose: vitest's overloaded signatures must be assignable in every vitest 4 version.
  describe: (name: string, ...rest: any[]) => unknown;
  it: ((name: string, ...rest: any[]) => unknown) & { skip: (name: string, ...rest: any[]) => unknown };
  /** vitest's `expect` (the suite calls it as `expect(value, message)` and uses its matchers). */
  expect: (...args: any[]) => unknown;
}

/** How the suite gets hold of the store under test. */
export interface ConformanceOptions {
  /** Shown in the describe title, e.g. "PostgresStore". */
  name: string;
  /**
   * A fresh, empty store. Called once at the start of every test (tests are independent of each other
   * and of their order).
   */
  createStore(): Promise<TokenStore>;
  /**
   * Tears down what `createStore` set up (drop the table, delete the file...). Called at the end of every
   * test with the test's latest store instance (the one `reopenStore` returned, if any), which may already
   * be closed. Without it the suite calls `store.close()`.
   */
  destroyStore?(store: TokenStore): Promise<void> | void;
  /** Closes `store` and opens a new instance on the same data. Enables the `reopen.*` tests. */
  reopenStore?(store: TokenStore): Promise<TokenStore>;
  /**
   * A second live instance on the same backing data as `store` (another pool, another file handle...),
   * for cross-instance race and lock tests. It is closed at the end of the test. When absent, those tests
   * use two owners on one instance.
   */
  openPeer?(store: TokenStore): Promise<TokenStore>;
  /** Tests to skip, by id, each with a non-empty reason. Unknown ids throw (typo protection). */
  skip?: Readonly<Record<string, string>>;
  /**
   * The granularity of the store's lease expiry in ms, when its backend rounds a lease's ttl up (e.g.
   * 1000 for whole-second expiries, like Keyv's `ttlGranularity`). The time-based lock tests then use
   * ttls rounded up to it and wait one granule longer. Default 0: leases expire to the millisecond.
   */
  leaseGranularityMs?: number;
  /** Per-test timeout in milliseconds (default 30 000). */
  timeoutMs?: number;
}

export const DEFAULT_TIMEOUT_MS = 30_000;

/**
 * What a conformance module may export as default: the options, or a (possibly async) factory for them.
 * Accepts the module namespace or the default export itself.
 */
export async function resolveConformanceOptions(moduleOrExport: unknown): Promise<ConformanceOptions> {
  let value = moduleOrExport;
  // A module namespace: take its default export (CJS modules may nest it once more).
  for (let i = 0; i < 2 && isRecord(value) && 'default' in value && !('createStore' in value); i++) value = value.default;
  if (typeof value === 'function') value = await (value as () => unknown)();
  if (!isRecord(value) || typeof value.createStore !== 'function') {
    throw optionsError('the conformance module must export default the options ({ name, createStore, ... }) or a function returning them');
  }
  return value as unknown as ConformanceOptions;
}

/** Checks the options' shape; throws INVALID_ARGUMENT naming what is wrong. */
export function assertConformanceOptions(options: unknown): asserts options is ConformanceOptions {
  if (!isRecord(options)) throw optionsError('runTokenStoreConformance: options must be an object');
  if (typeof options.name !== 'string' || options.name.trim() === '') {
    throw optionsError('runTokenStoreConformance: options.name must be a non-empty string');
  }
  if (typeof options.createStore !== 'function') throw optionsError('runTokenStoreConformance: options.createStore must be a function');
  for (const key of ['destroyStore', 'reopenStore', 'openPeer'] as const) {
    if (options[key] !== undefined && typeof options[key] !== 'function') {
      throw optionsError(`runTokenStoreConformance: options.${key} must be a function when given`);
    }
  }
  if (options.timeoutMs !== undefined && (typeof options.timeoutMs !== 'number' || !(options.timeoutMs > 0))) {
    throw optionsError('runTokenStoreConformance: options.timeoutMs must be a positive number');
  }
  if (options.leaseGranularityMs !== undefined && !(typeof options.leaseGranularityMs === 'number' && Number.isFinite(options.leaseGranularityMs) && options.leaseGranularityMs >= 0 && options.leaseGranularityMs <= 60_000)) {
    throw optionsError('runTokenStoreConformance: options.leaseGranularityMs must be a number of ms from 0 to 60000');
  }
  if (options.skip !== undefined && !isRecord(options.skip)) {
    throw optionsError('runTokenStoreConformance: options.skip must be an object { [testId]: reason }');
  }
}

/** Validates `skip` against the known test ids: every id must exist and every reason be non-empty. */
export function validateSkips(skip: Readonly<Record<string, unknown>> | undefined, knownIds: readonly string[]): Map<string, string> {
  const result = new Map<string, string>();
  if (skip === undefined) return result;
  const known = new Set(knownIds);
  const unknown = Object.keys(skip).filter((id) => !known.has(id));
  if (unknown.length > 0) {
    const hints = unknown.map((id) => {
      const near = closest(id, knownIds);
      return near ? `"${id}" (did you mean "${near}"?)` : `"${id}"`;
    });
    throw optionsError(`runTokenStoreConformance: options.skip names unknown test ids: ${hints.join(', ')}`);
  }
  for (const [id, reason] of Object.entries(skip)) {
    if (typeof reason !== 'string' || reason.trim() === '') {
      throw optionsError(`runTokenStoreConformance: options.skip["${id}"] must give a non-empty reason`);
    }
    result.set(id, reason.trim());
  }
  return result;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return (typeof value === 'object' || typeof value === 'function') && value !== null;
}

function closest(id: string, candidates: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = Math.max(3, Math.floor(id.length / 4)) + 1;
  for (const candidate of candidates) {
    const d = distance(id, candidate);
    if (d < bestDistance) {
      best = candidate;
      bestDistance = d;
    }
  }
  return best;
}

function distance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      current[j] = Math.min((previous[j] ?? 0) + 1, (current[j - 1] ?? 0) + 1, (previous[j - 1] ?? 0) + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    previous = current;
  }
  return previous[b.length] ?? 0;
}
