// Conformance options for a store kept in one file: a temp directory per test; reopened instances and
// peers open the same file; destroyStore closes them all and removes the directory.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export function fileBackedOptions(name, open, extension) {
  const fileOf = new Map();
  const instancesOf = new Map();
  const openOn = (file) => {
    const store = open(file);
    fileOf.set(store, file);
    instancesOf.get(file).add(store);
    return store;
  };
  return {
    name,
    async createStore() {
      const file = join(mkdtempSync(join(tmpdir(), 'tokenstore-pack-check-')), `tokens${extension}`);
      instancesOf.set(file, new Set());
      return openOn(file);
    },
    async destroyStore(store) {
      const file = fileOf.get(store);
      for (const instance of instancesOf.get(file) ?? []) await instance.close?.();
      instancesOf.delete(file);
      rmSync(join(file, '..'), { recursive: true, force: true });
    },
    async reopenStore(store) {
      await store.close();
      return openOn(fileOf.get(store));
    },
    async openPeer(store) {
      return openOn(fileOf.get(store));
    },
  };
}
