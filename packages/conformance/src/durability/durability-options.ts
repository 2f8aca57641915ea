import type { TokenStore } from '@tokenstore/core';
import { optionsError } from '../options-error.js';

/**
 * The part of a conformance module that the durability suite needs: a store that several processes
 * can open by name. Child processes import the same module (so it must be plain JavaScript: .mjs, .js
 * or .cjs) and call `openStore(location)`.
 */
export interface DurabilityOptions {
  /** A new, empty location (a file path, a table name...) that `openStore` opens in any process. */
  createLocation(): Promise<string> | string;
  /** Opens a store on `location`, in this process or in a child process. */
  openStore(location: string): Promise<TokenStore> | TokenStore;
  /** Removes what `createLocation` made, after the test. */
  destroyLocation?(location: string): Promise<void> | void;
  /**
   * Checks `location` without the store's API (its raw format, the database's own consistency check,
   * what must not be left behind) whenever no process has it open: after each SIGKILL (`killed: true`:
   * what the killed process left, a stale lock for instance, is allowed there) and after every test's
   * processes exited (`killed: false`). `acknowledged` counts the saves that had returned so far.
   * Throw to fail the test; the suite names the test and the moment.
   */
  inspectLocation?(location: string, state: LocationState): Promise<void> | void;
  /**
   * Opt in to `durability.engine.one-refresh-per-expiry`: child processes run @tokenstore/core's refresh
   * engine (the version installed next to the suite) on your store, so its `lock` must exclude across
   * processes. Off by default: it tests the engine over your lease rather than your store alone.
   */
  refreshRace?: boolean;
  /** Durability tests to skip, by id, each with a non-empty reason. Unknown ids throw (typo protection). */
  skip?: Readonly<Record<string, string>>;
}

/** What `inspectLocation` is told about the moment it is called. */
export interface LocationState {
  /** true right after a SIGKILL, false once every process exited by itself. */
  readonly killed: boolean;
  /** Saves that had returned (been acknowledged) so far in this test. */
  readonly acknowledged: number;
}

/** How `runDurabilitySuite` is called. */
export interface DurabilitySuiteOptions {
  /** Absolute path (or file URL) of the conformance module; its default export has a `durability` part. */
  module: string;
  /** SIGKILLs of the crash test (default 20). */
  kills?: number;
  /** Processes racing in the multi-process tests (default 4). */
  processes?: number;
  /** Per-test timeout in ms (default 120 000). */
  timeoutMs?: number;
}

export function durabilityOf(options: unknown): DurabilityOptions {
  const durability = (options as { durability?: unknown } | null)?.durability as Partial<DurabilityOptions> | undefined;
  if (durability === undefined || typeof durability !== 'object' || durability === null) {
    throw optionsError('runDurabilitySuite: the conformance module has no `durability` part ({ createLocation, openStore })');
  }
  for (const key of ['createLocation', 'openStore'] as const) {
    if (typeof durability[key] !== 'function') throw optionsError(`runDurabilitySuite: durability.${key} must be a function`);
  }
  if (durability.refreshRace !== undefined && typeof durability.refreshRace !== 'boolean') throw optionsError('runDurabilitySuite: durability.refreshRace must be a boolean when given');
  for (const key of ['destroyLocation', 'inspectLocation'] as const) {
    if (durability[key] !== undefined && typeof durability[key] !== 'function') throw optionsError(`runDurabilitySuite: durability.${key} must be a function when given`);
  }
  return durability as DurabilityOptions;
}
