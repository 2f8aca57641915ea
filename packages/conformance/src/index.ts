export { runTokenStoreConformance, CONFORMANCE_TESTS, conformanceTestIds } from './run.js';
export { type ConformanceOptions, type VitestApi, resolveConformanceOptions } from './options.js';
export type { ConformanceTestInfo, CaseNeed } from './conformance-case.js';
