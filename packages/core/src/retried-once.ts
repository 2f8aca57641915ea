/**
 * A one-time setup step (a migration, an index build) run on first use: concurrent callers share one
 * attempt, a success is remembered, and a failure (server down) is forgotten so the next call retries.
 */
export class RetriedOnce {
  readonly #task: () => Promise<unknown>;
  #done: Promise<void> | undefined;

  constructor(task: () => Promise<unknown>) {
    this.#task = task;
  }

  /** Resolves once the task has succeeded, running it now unless it did or is running. */
  run(): Promise<void> {
    this.#done ??= this.#task().then(
      () => undefined,
      (error: unknown) => {
        this.#done = undefined;
        throw error;
      },
    );
    return this.#done;
  }

  /** Remembers the task as done (it succeeded another way, e.g. called directly). */
  markDone(): void {
    this.#done = Promise.resolve();
  }
}
