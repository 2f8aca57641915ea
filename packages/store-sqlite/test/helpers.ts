import { fileURLToPath } from 'node:url';
import { tempDir as kitTempDir, type FileBackedStore } from '@tokenstore/store-testkit';
import { SQLiteStore } from '../src/index.js';

/** SQLiteStore as the shared harnesses open it: `new SQLiteStore({ filename })`, here and in child processes. */
export const SQLITE_STORE: FileBackedStore<SQLiteStore> = {
  packageName: '@tokenstore/store-sqlite',
  packageDir: fileURLToPath(new URL('..', import.meta.url)),
  className: 'SQLiteStore',
  fileOption: 'filename',
  extension: '.db',
  open: (filename) => new SQLiteStore({ filename }),
};

/** A fresh temp directory, removed by the returned cleanup. */
export const tempDir = (prefix = 'tokenstore-sqlite-') => kitTempDir(prefix);
