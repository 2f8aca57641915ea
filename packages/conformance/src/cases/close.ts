import { expectStoreError, save } from '../assertions.js';
import type { ConformanceCase } from '../conformance-case.js';
import { fullInit } from './full-init.js';

export const closeCases: ConformanceCase[] = [
  {
    id: 'close.idempotent',
    title: 'close() resolves, and resolves again when called twice (also concurrently)',
    needs: 'close',
    async run(t) {
      await save(t, t.token(fullInit(t, 'a')));
      const close = t.store.close?.bind(t.store) as () => Promise<void>;
      t.expect(await Promise.all([close(), close()]), 'two concurrent close() calls resolve').toEqual([undefined, undefined]);
      t.expect(await close(), 'a third close() resolves').toBeUndefined();
    },
  },
  {
    id: 'close.rejects-after-close',
    title: 'after close(), every method (and lock.acquire/release) rejects with TokenStoreError STORE_CLOSED',
    needs: 'close',
    async run(t) {
      const stored = await save(t, t.token(fullInit(t, 'a')));
      await t.store.close?.();
      const s = t.store;
      const token = t.token(fullInit(t, 'b'));
      await expectStoreError(t, () => s.findToken(token), 'STORE_CLOSED', 'findToken after close');
      await expectStoreError(t, () => s.findTokenById(stored.id as string), 'STORE_CLOSED', 'findTokenById after close');
      await expectStoreError(t, () => s.saveToken(token), 'STORE_CLOSED', 'saveToken after close');
      await expectStoreError(t, () => s.deleteToken(stored.id as string), 'STORE_CLOSED', 'deleteToken after close');
      await expectStoreError(t, () => s.getTokens(), 'STORE_CLOSED', 'getTokens after close');
      await expectStoreError(t, () => s.deleteTokens(), 'STORE_CLOSED', 'deleteTokens after close');
      if (s.lock) {
        const lock = s.lock;
        await expectStoreError(t, () => lock.acquire(`closed-${t.uid}`, 'owner', 10_000), 'STORE_CLOSED', 'lock.acquire after close');
        await expectStoreError(t, () => lock.release(`closed-${t.uid}`, 'owner'), 'STORE_CLOSED', 'lock.release after close');
      }
    },
  },
];
