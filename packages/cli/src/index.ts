/** @tokenstore/cli: the `tokenstore` command, also callable from code (`run(argv, { io })`). */
export { run } from './run.js';
export { ExitCode, exitCodeOf } from './exit-codes.js';
export { CliErrorCode } from './cli-error.js';
export { parseStoreUrl, displayUrl, STORE_PACKAGES, type StoreKind, type StoreLocation } from './store-url.js';
export { processIo, type CliIo } from './io.js';
export type { CommandContext } from './command.js';
export type { PackageImporter } from './load-package.js';
