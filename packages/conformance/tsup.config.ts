import { packageConfig } from '../../tsup.base';

// shims: the CLI finds the suite next to itself through import.meta.url, also in the CJS build.
export default packageConfig(['src/index.ts', 'src/cli.ts'], { shims: true });
