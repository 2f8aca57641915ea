import { packageConfig } from '../../tsup.base';

// shims: the CLI finds the suite next to itself through import.meta.url, also in the CJS build.
// No source maps: they point failure stacks at src/cases/*.ts, which does not ship; failures name their
// case id and rule in the message instead.
// child-process: the durability suite's line-reading child, also for tests that run their own children
// (`@tokenstore/conformance/child-process`).
export default packageConfig(['src/index.ts', 'src/cli.ts', 'src/durability/durability-worker.ts', 'src/durability/child-process.ts'], { shims: true, sourcemap: false });
