/**
 * One in-flight refresh per token key: the first caller starts the work, every other caller for the
 * same key awaits the same promise. A registry is an ordinary object (no module state): an Initializer
 * creates its own unless given one, and `switchUser` instances share their parent's.
 */
export interface RefreshRegistry {
  /** Runs `task` unless one is already running for `key`, in which case its promise is returned. */
  run<T>(key: string, task: () => Promise<T>): Promise<T>;
  /** The promise running for `key`, if any. */
  current(key: string): Promise<unknown> | undefined;
  /** How many keys have work in flight. */
  readonly size: number;
}

export function createRefreshRegistry(): RefreshRegistry {
  const inFlight = new Map<string, Promise<unknown>>();
  return {
    run<T>(key: string, task: () => Promise<T>): Promise<T> {
      const running = inFlight.get(key);
      if (running) return running as Promise<T>;
      const promise = (async () => {
        try {
          return await task();
        } finally {
          inFlight.delete(key);
        }
      })();
      inFlight.set(key, promise);
      return promise;
    },
    current: (key) => inFlight.get(key),
    get size() {
      return inFlight.size;
    },
  };
}
