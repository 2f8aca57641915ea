export { runTokenStoreConformance, CONFORMANCE_TESTS, conformanceTestIds } from './run.js';
export { type ConformanceOptions, type VitestApi, resolveConformanceOptions } from './options.js';
export type { ConformanceTestInfo, CaseNeed } from './conformance-case.js';
export { runDurabilitySuite, DURABILITY_TESTS, durabilityTestIds, type DurabilityTestId } from './durability/run-durability.js';
export type { DurabilityOptions, DurabilitySuiteOptions } from './durability/durability-options.js';
