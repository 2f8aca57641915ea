import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { TokenStore } from '@tokenstore/core';
import { runChild, startChild, type Child } from './child-process.js';
import { assertDistFresh } from './dist-fresh.js';

const SCRIPT = fileURLToPath(new URL('./store-worker.mjs', import.meta.url));

/** A store kept in one file, as its tests open it: in this process, and in child processes. */
export interface FileBackedStore<S extends TokenStore = TokenStore> {
  /** e.g. `@tokenstore/store-file`. */
  readonly packageName: string;
  /** The package's directory: children import its `dist/index.js`. */
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

function workerArgs(store: FileBackedStore, args: string[]): string[] {
  return [join(store.packageDir, 'dist', 'index.js'), store.className, store.fileOption, ...args];
}

/** Starts `store-worker.mjs MODE...` on the store's dist (modes: see store-worker.mjs). */
export function startWorker(store: FileBackedStore, args: string[]): Child {
  return startChild(SCRIPT, workerArgs(store, args), args.join(' '));
}

/** Runs a worker to completion and returns its output lines; rejects on a non-zero exit. */
export function runWorker(store: FileBackedStore, args: string[]): Promise<string[]> {
  return runChild(SCRIPT, workerArgs(store, args), args.join(' '));
}
