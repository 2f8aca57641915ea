import { testConfig } from '../../vitest.base';

// One file at a time: the recovery test restarts the FerretDB server, which would fail whatever
// another file had in flight at that moment.
export default testConfig({ fileParallelism: false });
