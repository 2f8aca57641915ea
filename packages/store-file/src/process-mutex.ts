/**
 * Serialises work on one file inside this process, across every FileStore instance that points at
 * it. The lock file already excludes other processes; this queue keeps this process's own operations
 * from polling the lock file against each other.
 */
// On globalThis: an app that loads both the ESM and the CJS build still gets one queue per file.
const tails: Map<string, Promise<void>> = ((globalThis as Record<symbol, unknown>)[Symbol.for('@tokenstore/store-file:process-mutex')] ??= new Map<
  string,
  Promise<void>
>()) as Map<string, Promise<void>>;

export async function withProcessMutex<T>(key: string, body: () => Promise<T>): Promise<T> {
  const previous = tails.get(key) ?? Promise.resolve();
  let done!: () => void;
  const current = new Promise<void>((resolve) => {
    done = resolve;
  });
  const tail = previous.then(() => current);
  tails.set(key, tail);
  await previous;
  try {
    return await body();
  } finally {
    done();
    if (tails.get(key) === tail) tails.delete(key);
  }
}
