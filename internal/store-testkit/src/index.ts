/**
 * @tokenstore/store-testkit: the test machinery the store packages share. Private; consumed from
 * source by vitest. Crash and multi-process tests are the published durability suite's
 * (`runDurabilitySuite` of @tokenstore/conformance), and so is the child-process helper.
 */
export { tempDir } from './temp-dir.js';
export { sleep } from './sleep.js';
export { assertDistFresh } from './dist-fresh.js';
export { startChild, runChild, type Child } from '@tokenstore/conformance/child-process';
export { assertWorkerReady, tempPrefix, type FileBackedStore } from './file-backed-store.js';
export { runConformanceCli } from './conformance-cli.js';
export { runFileStoreConformance } from './file-conformance.js';
export { leaseBasicsTests } from './lease-basics.js';
export { rejection, rejectsWith } from './rejections.js';
export { TEST_URLS, SERVICES_SCRIPT, restartService, type TestService } from './test-servers.js';
export { uniqueName } from './unique-name.js';
export { closedPort } from './closed-port.js';
export { StoreTracker } from './store-tracker.js';
export { runTableStoreConformance, type TableConformanceOptions } from './table-conformance.js';
export { restartRecoveryTest, type RestartRecoveryOptions } from './restart-recovery.js';
export { leaseContentionTests, type LeaseContentionOptions } from './lease-contention.js';
export { poolLifecycleTests, type PoolLifecycleOptions, type AppPool } from './pool-lifecycle.js';
export { expectNoSecret } from './no-secret.js';
export { printedStoreTest, type PrintedStoreOptions } from './printed-store.js';
export { expiresAtRoundTripTest } from './expires-at-round-trip.js';
export { fastPathConflictTest } from './fast-path-conflict.js';
export { keepAliveTests, type KeepAliveTestOptions } from './keep-alive.js';
export { expectNoSecretAtRest, secretEncodings } from './secrets-at-rest.js';
export { encryptionAtRestTests, testEncryptionKey, type EncryptionAtRestOptions, type StoreUnderTest } from './encryption-at-rest.js';
