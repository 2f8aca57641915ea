import { fileURLToPath } from 'node:url';
import { tempDir as kitTempDir, type FileBackedStore } from '@tokenstore/store-testkit';
import { FileStore } from '../src/index.js';

/** FileStore as the shared harnesses open it: `new FileStore({ path })`, here and in child processes. */
export const FILE_STORE: FileBackedStore<FileStore> = {
  packageName: '@tokenstore/store-file',
  packageDir: fileURLToPath(new URL('..', import.meta.url)),
  className: 'FileStore',
  fileOption: 'path',
  extension: '.json',
  open: (path) => new FileStore({ path }),
};

/** A fresh temp directory, removed by the returned cleanup. */
export const tempDir = (prefix = 'tokenstore-file-') => kitTempDir(prefix);
