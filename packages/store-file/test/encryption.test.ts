import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { encryptedStore } from '@tokenstore/core';
import { encryptionAtRestTests, runFileStoreConformance, testEncryptionKey } from '@tokenstore/store-testkit';
import { FILE_STORE, tempDir } from './helpers.js';

const keys = [testEncryptionKey('conformance')];

// The whole contract, with every secret encrypted on its way to the JSON file.
runFileStoreConformance('FileStore under encryptedStore', { ...FILE_STORE, open: (path) => encryptedStore(FILE_STORE.open(path), { keys }) });

encryptionAtRestTests({
  name: 'FileStore',
  async open() {
    const { dir, cleanup } = tempDir();
    const store = FILE_STORE.open(join(dir, 'tokens.json'));
    // Every file the store leaves in its directory (the token file, temp files, lock and lease files).
    const dump = async () =>
      Buffer.concat(
        readdirSync(dir)
          .map((name) => join(dir, name))
          .filter((file) => statSync(file).isFile())
          .map((file) => readFileSync(file)),
      );
    return { store, dump, cleanup: async () => cleanup() };
  },
});
