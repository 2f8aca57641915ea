import { packageConfig } from '../../tsup.base';

// index: the library (ESM + CJS); cli: the `tokenstore` bin (ESM only, top-level await).
export default [packageConfig(['src/index.ts']), packageConfig(['src/cli.ts'], { format: ['esm'], dts: false, clean: false })];
