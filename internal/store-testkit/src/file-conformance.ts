import { join } from 'node:path';
import { runTokenStoreConformance } from '@tokenstore/conformance';
import type { TokenStore } from '@tokenstore/core';
import * as vitest from 'vitest';
import { tempPrefix, type FileBackedStore } from './file-backed-store.js';
import { tempDir } from './temp-dir.js';

/**
 * The conformance suite on a store kept in one file. Every store gets a new temp directory; peers and
 * reopened instances share its file. destroyStore closes every instance opened on that file, then
 * removes the directory.
 */
export function runFileStoreConformance(name: string, subject: FileBackedStore): void {
  const files = new Map<TokenStore, string>();
  const groups = new Map<string, { cleanup: () => void; stores: Set<TokenStore> }>();

  function openOn(file: string): TokenStore {
    const store = subject.open(file);
    files.set(store, file);
    groups.get(file)!.stores.add(store);
    return store;
  }

  runTokenStoreConformance(vitest, {
    name,
    async createStore() {
      const { dir, cleanup } = tempDir(`${tempPrefix(subject)}conf-`);
      const file = join(dir, `tokens${subject.extension}`);
      groups.set(file, { cleanup, stores: new Set() });
      return openOn(file);
    },
    async destroyStore(store) {
      const file = files.get(store);
      const group = file === undefined ? undefined : groups.get(file);
      if (!group || file === undefined) return;
      groups.delete(file);
      for (const s of group.stores) {
        await s.close?.();
        files.delete(s);
      }
      group.cleanup();
    },
    async reopenStore(store) {
      const file = files.get(store)!;
      await store.close!();
      return openOn(file);
    },
    async openPeer(store) {
      return openOn(files.get(store)!);
    },
  });
}
