import { OAuthToken, isTokenStoreError, type TokenStore } from '@tokenstore/core';
import { expect, it } from 'vitest';
import { sleep } from './sleep.js';
import { restartService, type TestService } from './test-servers.js';
import { uniqueName } from './unique-name.js';

export interface RestartRecoveryOptions<S extends TokenStore> {
  /** The server as the test title names it (`PostgreSQL`, `MariaDB`). */
  readonly serverName: string;
  /** What scripts/services restarts. */
  readonly service: TestService;
  /** The store under test on `table`, with its own pool; `ready` readies the table before the load starts. */
  open(table: string): S;
  ready(store: S): Promise<unknown>;
  /** A second instance on `table`, through a new pool, that creates nothing. */
  openVerifier(table: string): TokenStore;
  /** Drops `table` and its companions. */
  drop(table: string): Promise<void>;
}

/**
 * Four workers save new tokens, overwrite earlier ones and read them back on one store instance while
 * the database server restarts. The same instance, with no reconnect call, must serve again; every
 * interruption must be STORE_UNAVAILABLE, and every acknowledged save must be on disk afterwards.
 */
export function restartRecoveryTest<S extends TokenStore>(options: RestartRecoveryOptions<S>): void {
  it(`keeps working across a ${options.serverName} restart, without losing a save that succeeded`, { timeout: 120_000 }, async () => {
    const table = uniqueName('restart');
    const store = options.open(table);
    await options.ready(store);

    const saved = new Map<string, string>(); // id -> access token of its last acknowledged save
    // Saves that failed after the last acknowledged one: a commit whose reply was lost to the restart
    // may still have landed, so the stored value is the acknowledged one or one of these.
    const unacknowledged = new Map<string, string[]>();
    const failures: unknown[] = [];
    let failuresAfterRestart = 0; // calls that began once the server was back, and failed
    let successesAfterRestart = 0;
    let restarted = false;
    let stop = false;

    // Four workers save new tokens, overwrite earlier ones and read them back, as fast as they can.
    const worker = async (w: number) => {
      for (let i = 0; !stop; i++) {
        const id = `w${w}-${i % 50}`;
        const accessToken = `access-${w}-${i}`;
        const startedAfterRestart = restarted;
        try {
          const stored = await store.saveToken(new OAuthToken({ id, userSignature: { name: `user-${id}` }, clientId: 'client', accessToken }));
          saved.set(stored.id as string, accessToken);
          unacknowledged.set(id, []);
          const read = await store.findTokenById(id);
          expect(read?.accessToken).toBe(saved.get(id));
          if (restarted) successesAfterRestart++;
        } catch (error) {
          if (!isTokenStoreError(error)) throw error;
          failures.push(error);
          if (startedAfterRestart) failuresAfterRestart++;
          unacknowledged.set(id, [...(unacknowledged.get(id) ?? []), accessToken]);
          await sleep(20);
        }
      }
    };
    const workers = [0, 1, 2, 3].map(worker);

    await sleep(300);
    const before = saved.size;
    await restartService(options.service);
    restarted = true;
    // The same store instance, with no reconnect call, serves requests again.
    const deadline = Date.now() + 30_000;
    while (successesAfterRestart < 100 && Date.now() < deadline) await sleep(50);
    stop = true;
    await Promise.all(workers);

    expect(before).toBeGreaterThan(0);
    expect(successesAfterRestart).toBeGreaterThanOrEqual(100);
    // No pooled connection left over from before the restart failed a call made after it.
    expect(failuresAfterRestart).toBe(0);
    // The restart did interrupt operations, and each interruption was reported as STORE_UNAVAILABLE.
    expect(failures.length).toBeGreaterThan(0);
    expect(failures.map((e) => (e as { code: string }).code)).toEqual(failures.map(() => 'STORE_UNAVAILABLE'));

    // Every acknowledged save is on disk with its last acknowledged value, seen through a new pool.
    const verifier = options.openVerifier(table);
    try {
      for (const [id, accessToken] of saved) {
        expect([accessToken, ...(unacknowledged.get(id) ?? [])]).toContain((await verifier.findTokenById(id))?.accessToken);
      }
      // And nothing else: each stored record is one a worker tried to save.
      for (const token of await verifier.getTokens()) expect(saved.has(token.id as string) || unacknowledged.has(token.id as string)).toBe(true);
    } finally {
      await verifier.close?.();
      await store.close?.();
      await options.drop(table);
    }
  });
}
