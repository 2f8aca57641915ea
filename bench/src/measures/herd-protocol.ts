import type { RefreshRegistry } from '@tokenstore/core';
import type { StoreKind } from '../lib/config.js';

/** No single-flight: every caller runs its own refresh (the baseline). */
export const noSingleFlight: RefreshRegistry = { run: (_key, task) => task(), current: () => undefined, size: 0 };

export interface HerdInit {
  type: 'init';
  kind: StoreKind;
  /** Table / collection / file stem shared by every process. */
  name: string;
  /** false: the store without its `lock` (no cross-process lease). */
  lock: boolean;
  /** false: a registry that runs every refresh (no in-process single-flight). */
  singleFlight: boolean;
  user: string;
  calls: number;
  environment: { tokenEndpoint: string; revocationEndpoint: string; apiUrl: string };
}
export type ParentMessage = HerdInit | { type: 'prepare' } | { type: 'go'; startAt: number } | { type: 'teardown' } | { type: 'exit' };

export interface RoundReport {
  ok: number;
  errors: Record<string, number>;
  /** Fingerprints (sha256, 12 hex) of the access tokens returned, with counts. */
  tokens: Record<string, number>;
  ms: number;
}
export type ChildMessage =
  | { type: 'ready' }
  | { type: 'prepared' }
  | { type: 'result'; report: RoundReport }
  | { type: 'done' }
  | { type: 'fatal'; message: string };
