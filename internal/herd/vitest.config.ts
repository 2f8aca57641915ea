import { testConfig } from '../../vitest.base';

// The race tests spawn 8 processes each and count requests at one provider: one file at a time.
export default testConfig({ testTimeout: 60_000, fileParallelism: false });
