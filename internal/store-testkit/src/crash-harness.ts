import { join } from 'node:path';
import { OAuthToken, type TokenStore } from '@tokenstore/core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { sleep } from './sleep.js';
import { assertWorkerReady, startWorker, tempPrefix, type FileBackedStore } from './store-worker.js';
import { tempDir } from './temp-dir.js';
import { crashToken, HOT_USER, hotToken } from './tokens.mjs';

export const KILLS = 50;

/** What a store's own check of its file gets after each kill. */
export interface KilledRun {
  readonly dir: string;
  readonly file: string;
  readonly run: number;
  /** Distinct tokens whose save had returned before this or an earlier kill. */
  readonly saved: number;
  /** The highest expiresAt of the hot record whose save had returned (-1: none yet). */
  readonly hotFloor: number;
}

export interface CrashTestOptions {
  readonly store: FileBackedStore;
  /**
   * Checks the file the killed child left, without the store (its format, its own consistency check,
   * uniqueness). Returning false skips the check through the store for this run.
   */
  checkFile(killed: KilledRun): boolean | void;
  /** After the last kill and its checks (e.g. that a last write cleans up what the kill left). */
  afterKills?(dir: string, file: string): Promise<void>;
  /** Store-specific counts appended to the summary line. */
  summary?(): string;
}

/**
 * Crash safety: a child saves tokens in a loop and prints each one after its save returned; we kill
 * it with SIGKILL at a random moment, KILLS times on the same file. After every kill the file must pass
 * the store's own check and hold every token whose save had returned, byte for byte, and the hot
 * record must never go backwards. (SIGKILL is a process crash; power loss is not simulated.)
 */
export function crashTest(options: CrashTestOptions): void {
  const { store: subject } = options;
  let dir: string;
  let cleanup: () => void;
  beforeAll(() => {
    assertWorkerReady(subject);
    ({ dir, cleanup } = tempDir(`${tempPrefix(subject)}crash-`));
  });
  afterAll(() => cleanup());

  it(`holds every returned save across ${KILLS} SIGKILLs`, async () => {
    const file = join(dir, `crash${subject.extension}`);
    const expected = new Map<string, ReturnType<typeof crashToken>>();
    let hotFloor = -1;
    let verifiedTotal = 0;
    const stats = { kills: 0, duringStartup: 0, savesReturned: 0 };

    for (let run = 0; run < KILLS; run++) {
      const worker = startWorker(subject, ['save-loop', file, String(run)]);
      // One run in ten is killed during start-up (run 0: on a fresh file); the others after their
      // first save returned, at a random point of the loop.
      if (run % 10 === 0) {
        await sleep(Math.random() * 80);
        stats.duringStartup++;
      } else {
        await worker.waitFor((line) => line.startsWith('N '));
        await sleep(Math.random() * 120);
      }
      worker.child.kill('SIGKILL');
      const { signal } = await worker.exited;
      expect(signal, `run ${run} ended on its own: ${worker.stderr()}`).toBe('SIGKILL');
      stats.kills++;

      for (const line of worker.lines) {
        const [kind, n] = line.split(' ');
        if (kind === 'N') {
          const token = crashToken(run, Number(n));
          expected.set(token.id, token);
          stats.savesReturned++;
        } else if (kind === 'H') {
          hotFloor = Math.max(hotFloor, hotToken(run, Number(n)).expiresAt);
          stats.savesReturned++;
        }
      }

      // 1. The file itself, as the store defines it.
      if (options.checkFile({ dir, file, run, saved: expected.size, hotFloor }) === false) continue;

      // 2. Through the store: every save that returned is there, exactly as saved.
      const store: TokenStore = subject.open(file);
      try {
        const stored = new Map((await store.getTokens()).map((t) => [t.id, t]));
        for (const [id, token] of expected) {
          const found = stored.get(id);
          expect(found, `run ${run}: token ${id} was saved before the kill but is missing`).toBeDefined();
          expect(found!.toRecord()).toEqual(new OAuthToken(token).toRecord());
          verifiedTotal++;
        }
        const hot = await store.findToken(new OAuthToken({ userSignature: { name: HOT_USER } }));
        if (hotFloor >= 0) expect(hot!.expiresAt!, `run ${run}: the hot record went backwards`).toBeGreaterThanOrEqual(hotFloor);
      } finally {
        await store.close?.();
      }
    }

    await options.afterKills?.(dir, file);

    expect(stats.kills).toBe(KILLS);
    expect(expected.size).toBeGreaterThanOrEqual(KILLS - stats.duringStartup); // every in-loop run saved at least one
    console.info(
      `${subject.className} crash test: ${stats.kills} kills (${stats.duringStartup} during start-up), ${stats.savesReturned} saves returned before a kill, ${expected.size} distinct tokens, ${verifiedTotal} token checks${options.summary?.() ?? ''}`,
    );
  }, 120_000);
}
