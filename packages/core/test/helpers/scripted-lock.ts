/** A RefreshLock answering acquires from a script; `calls` counts acquires, `released` releases. */
import type { RefreshLock } from '../../src/index.js';

export function scriptedLock(answer: () => Promise<boolean> | boolean) {
  const lock = {
    calls: 0,
    released: 0,
    acquire: async () => {
      lock.calls++;
      return answer();
    },
    release: async () => {
      lock.released++;
    },
  };
  return lock satisfies RefreshLock & { calls: number };
}
