/**
 * @tokenstore/herd: the multi-process refresh race harness (issue 4), shared by its tests and the
 * benchmarks. See README.md.
 */
export {
  runHerd,
  seedToken,
  herdEnvironment,
  fingerprint,
  type HerdOptions,
  type HerdResult,
  type HerdRoundResult,
  type HerdServer,
  type ProviderCounts,
} from './run-herd.js';
export { openStore, withoutLock, describeSpec, type StoreSpec } from './open-store.mjs';
export { rawRefresh } from './raw-refresh.js';
export { latencyStats } from './stats.js';
export type { LatencyStats, ProcessRoundResult, ErrorSample } from './protocol.js';
