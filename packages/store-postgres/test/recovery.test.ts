import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { OAuthToken, isTokenStoreError } from '@tokenstore/core';
import { afterAll, expect, it } from 'vitest';
import { PostgresStore } from '../src/index.js';
import { PG_URL, SERVICES_SCRIPT, adminPool, dropStoreTables, sleep, uniqueName } from './helpers.js';

const run = promisify(execFile);
const admin = adminPool();
afterAll(() => admin.end());

it('keeps working across a PostgreSQL restart, without losing a save that succeeded', { timeout: 120_000 }, async () => {
  const table = uniqueName('restart');
  const store = new PostgresStore({ connectionString: PG_URL, table, poolConfig: { max: 4 } });
  await store.migrate();

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
  await run('bash', [SERVICES_SCRIPT, 'restart', 'postgres']);
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
  const verifier = new PostgresStore({ connectionString: PG_URL, table, migrate: false });
  try {
    for (const [id, accessToken] of saved) {
      expect([accessToken, ...(unacknowledged.get(id) ?? [])]).toContain((await verifier.findTokenById(id))?.accessToken);
    }
    // And nothing else: each stored record is one a worker tried to save.
    for (const token of await verifier.getTokens()) expect(saved.has(token.id as string) || unacknowledged.has(token.id as string)).toBe(true);
  } finally {
    await verifier.close();
    await store.close();
    await dropStoreTables(admin, table);
  }
});
