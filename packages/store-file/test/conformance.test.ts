import { join } from 'node:path';
import * as vitest from 'vitest';
import { runTokenStoreConformance } from '@tokenstore/conformance';
import { FileStore } from '../src/index.js';
import { tempDir } from './helpers.js';

// Every store gets a new temp directory; peers and reopened instances share its file. destroyStore
// closes every instance opened on that file, then removes the directory.
const groups = new Map<string, { cleanup: () => void; stores: Set<FileStore> }>();

function openOn(path: string): FileStore {
  const store = new FileStore({ path });
  groups.get(store.path)!.stores.add(store);
  return store;
}

runTokenStoreConformance(vitest, {
  name: 'FileStore',
  async createStore() {
    const { dir, cleanup } = tempDir('tokenstore-file-conf-');
    const path = join(dir, 'tokens.json');
    groups.set(path, { cleanup, stores: new Set() });
    return openOn(path);
  },
  async destroyStore(store) {
    const path = (store as FileStore).path;
    const group = groups.get(path);
    if (!group) return;
    groups.delete(path);
    for (const s of group.stores) await s.close();
    group.cleanup();
  },
  async reopenStore(store) {
    await store.close!();
    return openOn((store as FileStore).path);
  },
  async openPeer(store) {
    return openOn((store as FileStore).path);
  },
});
