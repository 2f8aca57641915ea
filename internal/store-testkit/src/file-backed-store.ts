import type { TokenStore } from '@tokenstore/core';
import { assertDistFresh } from './dist-fresh.js';

/** A store kept in one file, as its tests open it: in this process, and in child processes. */
export interface FileBackedStore<S extends TokenStore = TokenStore> {
  /** e.g. `@tokenstore/store-file`. */
  readonly packageName: string;
  /** The package's directory: children import its built `dist/index.js` (ESM) or `dist/index.cjs`. */
  readonly packageDir: string;
  /** The class the package exports and the option naming its file: `new FileStore({ path })`. */
  readonly className: string;
  readonly fileOption: string;
  /** Extension of the files the tests create (`.json`, `.db`). */
  readonly extension: string;
  /** Opens the store on `file` in this process (from the package's src). */
  open(file: string): S;
}

/** Temp directory prefix of a package's tests: `tokenstore-file-` for @tokenstore/store-file. */
export function tempPrefix(store: FileBackedStore): string {
  return `tokenstore-${store.packageName.replace(/^@tokenstore\/store-/, '')}-`;
}

/** Fails unless the package's dist is built from its current src (the children run dist). */
export function assertWorkerReady(store: FileBackedStore): void {
  assertDistFresh(store.packageDir, store.packageName);
}
