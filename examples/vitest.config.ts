import { testConfig } from '../vitest.base';

export default testConfig({ testTimeout: 60_000, hookTimeout: 60_000 });
