import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { encryptedStore } from '@tokenstore/core';
import { encryptionAtRestTests, runFileStoreConformance, testEncryptionKey } from '@tokenstore/store-testkit';
import { SQLITE_STORE, tempDir } from './helpers.js';

const keys = [testEncryptionKey('conformance')];

// The whole contract, with every secret encrypted on its way to SQLite.
runFileStoreConformance('SQLiteStore under encryptedStore', { ...SQLITE_STORE, open: (filename) => encryptedStore(SQLITE_STORE.open(filename), { keys }) });

encryptionAtRestTests({
  name: 'SQLiteStore',
  async open() {
    const { dir, cleanup } = tempDir();
    const filename = join(dir, 'tokens.db');
    const store = SQLITE_STORE.open(filename);
    // The database file and its WAL (recent writes live there until a checkpoint), as bytes.
    const dump = async () => Buffer.concat([filename, `${filename}-wal`].filter((file) => existsSync(file)).map((file) => readFileSync(file)));
    return { store, dump, cleanup: async () => cleanup() };
  },
});
