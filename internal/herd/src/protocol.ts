/**
 * Messages between runHerd (parent) and worker.mjs (each child), over the fork() IPC channel.
 * Tokens never cross it: children report sha256 fingerprints, so a failing assertion prints no secret.
 */
import type { RefreshOptions } from '@tokenstore/core';
import type { StoreSpec } from './open-store.mjs';

export interface WorkerConfig {
  index: number;
  store: StoreSpec;
  lock: boolean;
  user: string;
  callsPerProcess: number;
  environment: { tokenEndpoint: string; revocationEndpoint: string; apiUrl: string };
  refresh?: RefreshOptions;
}

export type ParentMessage =
  | { type: 'init'; config: WorkerConfig }
  | { type: 'prepare'; round: number; reinit: boolean }
  | { type: 'go'; round: number; startAt: number }
  | { type: 'close' };

export interface LatencyStats {
  count: number;
  minMs: number;
  p50Ms: number;
  p90Ms: number;
  p99Ms: number;
  maxMs: number;
  meanMs: number;
}

export interface ErrorSample {
  code: string;
  name: string;
  message: string;
}

/** What one child saw in one round. */
export interface ProcessRoundResult {
  index: number;
  pid: number;
  calls: number;
  ok: number;
  /** Errors of getAccessToken() by `code` (or error name when it has none). */
  errors: Record<string, number>;
  /** One sample (code, name, message) per error code. */
  errorSamples: ErrorSample[];
  /** Fingerprint of each access token returned -> how many calls returned it. */
  tokens: Record<string, number>;
  /** tokenRefreshed events in this process, by reason (expired / rejected / grant). */
  refreshedHere: Record<string, number>;
  /** refreshFailed events in this process, by error code. */
  refreshFailedHere: Record<string, number>;
  /** Each call, from the barrier to its settlement. */
  latency: LatencyStats;
  /** The same, raw (ms, unordered). */
  durationsMs: number[];
  /** Epoch ms when this child actually started calling (after the barrier). */
  startedAt: number;
  /** Epoch ms when the last of its calls settled. */
  finishedAt: number;
}

export type ChildMessage =
  | { type: 'ready'; pid: number }
  | { type: 'prepared'; round: number }
  | { type: 'result'; round: number; result: ProcessRoundResult }
  | { type: 'closed' }
  | { type: 'fatal'; error: ErrorSample & { stack?: string } };
