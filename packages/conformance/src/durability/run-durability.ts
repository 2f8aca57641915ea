import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { OAuthToken, type TokenStore } from '@tokenstore/core';
import type { ExpectStatic } from 'vitest';
import { resolveConformanceOptions, validateSkips, type VitestApi } from '../options.js';
import { runChild, startChild } from './child-process.js';
import { durabilityOf, type DurabilityOptions, type DurabilitySuiteOptions, type LocationState } from './durability-options.js';
import { crashToken, HOT_USER, hotToken } from './durability-tokens.js';
import { refreshRace } from './refresh-race.js';
import { withRule } from '../failure-rule.js';
import { optionsError } from '../options-error.js';

/** The durability tests, by stable id (for `durability.skip`). */
export const DURABILITY_TESTS = Object.freeze({
  'durability.crash.acknowledged-saves-survive': 'SIGKILLed during saves, again and again: the store still opens, holds every save that had returned (byte for byte), no duplicate id or user, and the hot record never goes backwards',
  'durability.processes.no-lost-update': 'several processes saving distinct tokens into one store: every token is there',
  'durability.processes.one-record-per-user': 'several processes saving one new user at the same moment: exactly one record, one id',
  'durability.processes.one-lease-holder': 'several processes asking for one lease at the same moment: exactly one gets it',
  'durability.engine.one-refresh-per-expiry': "several processes' refresh engines asking for one expired token at the same moment: exactly one token request, every process gets the new token, the rotated refresh token is stored (opt-in: durability.refreshRace)",
} as const);
export type DurabilityTestId = keyof typeof DURABILITY_TESTS;
export const durabilityTestIds: readonly string[] = Object.freeze(Object.keys(DURABILITY_TESTS));

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** dist/durability/durability-worker.js, below this bundle (tsup shims import.meta.url in the CJS build). */
function workerScript(): string {
  const script = join(dirname(fileURLToPath(import.meta.url)), 'durability', 'durability-worker.js');
  if (!existsSync(script)) throw new Error(`runDurabilitySuite: ${script} is missing; is @tokenstore/conformance built?`);
  return script;
}

/**
 * Registers the opt-in durability suite: child processes (node, importing your conformance module)
 * save into one store while the suite SIGKILLs them or races them. The module's default export needs a
 * `durability` part ({ createLocation, openStore }, see DurabilityOptions) and must be plain JavaScript.
 *
 * ```ts
 * import * as vitest from 'vitest';
 * await runDurabilitySuite(vitest, { module: fileURLToPath(new URL('./store.conformance.mjs', import.meta.url)) });
 * ```
 */
export async function runDurabilitySuite(vitest: VitestApi, suite: DurabilitySuiteOptions): Promise<void> {
  if (typeof suite?.module !== 'string' || suite.module === '') throw optionsError('runDurabilitySuite: options.module must be the path of the conformance module');
  const moduleUrl = suite.module.startsWith('file:') ? suite.module : pathToFileURL(suite.module).href;
  const options = await resolveConformanceOptions(await import(moduleUrl));
  const durability = durabilityOf(options);
  const skips = validateSkips(durability.skip, durabilityTestIds);
  const kills = suite.kills ?? 20;
  const processes = suite.processes ?? 4;
  const timeout = suite.timeoutMs ?? 120_000;
  const expect = vitest.expect as unknown as ExpectStatic;
  const script = workerScript();
  const worker = (args: string[]) => [moduleUrl, ...args];

  const test = (id: DurabilityTestId, body: (location: string) => Promise<void>) => {
    const title = `[${id}] ${DURABILITY_TESTS[id]}`;
    const reason = skips.get(id) ?? (id === 'durability.engine.one-refresh-per-expiry' && durability.refreshRace !== true ? 'opt-in: set durability.refreshRace to true' : undefined);
    if (reason !== undefined) return vitest.it.skip(`${title} (skipped: ${reason})`, () => {});
    vitest.it(title, { timeout }, async () => {
      const location = await durability.createLocation();
      try {
        await body(location);
      } catch (error) {
        // An assertion, a child that failed, a store or hook that threw: the failure names the test and its rule.
        throw withRule(id, DURABILITY_TESTS[id], error, 'every step (the store, its child processes, the module) to succeed');
      } finally {
        await durability.destroyLocation?.(location);
      }
    });
  };
  const withStore = async <T>(location: string, use: (store: TokenStore) => Promise<T>): Promise<T> => {
    const store = await durability.openStore(location);
    try {
      return await use(store);
    } finally {
      await store.close?.();
    }
  };

  /** The module's own check of the raw location; its failure names the moment (and, through test(), the test). */
  const inspect = async (id: DurabilityTestId, location: string, state: LocationState, moment: string) => {
    if (!durability.inspectLocation) return;
    try {
      await durability.inspectLocation(location, state);
    } catch (error) {
      throw withRule(id, DURABILITY_TESTS[id], error, `the module's inspectLocation ${moment} (${state.acknowledged} saves acknowledged) to find no fault`);
    }
  };

  vitest.describe(`tokenstore durability: ${options.name}`, () => {
    test('durability.crash.acknowledged-saves-survive', async (location) => {
      const expected = new Map<string, ReturnType<typeof crashToken>>();
      let hotFloor = -1;
      let acknowledged = 0;
      for (let run = 0; run < kills; run++) {
        const child = startChild(script, worker(['save-loop', location, String(run)]), `save-loop run ${run}`);
        // One run in five is killed during start-up (run 0: on a fresh location), the others at a random
        // point after their first save returned.
        if (run % 5 === 0) await sleep(Math.random() * 80);
        else {
          await child.waitFor((line) => line.startsWith('N '));
          await sleep(Math.random() * 100);
        }
        child.child.kill('SIGKILL');
        const { signal } = await child.exited;
        expect(signal, `run ${run} ended on its own: ${child.stderr()}`).toBe('SIGKILL');
        for (const line of child.lines) {
          const [kind, n] = line.split(' ');
          if (kind === 'N') {
            const token = crashToken(run, Number(n));
            expected.set(token.id, token);
            acknowledged++;
          } else if (kind === 'H') {
            hotFloor = Math.max(hotFloor, hotToken(run, Number(n)).expiresAt);
            acknowledged++;
          }
        }
        // The raw location first, as the killed process left it; then through the store.
        await inspect('durability.crash.acknowledged-saves-survive', location, { killed: true, acknowledged }, `after kill ${run}`);
        await withStore(location, async (store) => {
          const tokens = await store.getTokens();
          const ids = tokens.map((t) => t.id);
          const users = tokens.flatMap((t) => (t.userSignature?.name === undefined ? [] : [t.userSignature.name]));
          expect(new Set(ids).size, `run ${run}: duplicate id after a kill`).toBe(ids.length);
          expect(new Set(users).size, `run ${run}: duplicate user after a kill`).toBe(users.length);
          const stored = new Map(tokens.map((t) => [t.id, t]));
          for (const [id, token] of expected) {
            const found = stored.get(id);
            expect(found, `run ${run}: token ${id} was saved (acknowledged) before a kill but is missing`).toBeDefined();
            expect(found!.toRecord(), `run ${run}: token ${id} differs from what was saved`).toEqual(new OAuthToken(token).toRecord());
          }
          const hot = await store.findToken(new OAuthToken({ userSignature: { name: HOT_USER } }));
          if (hotFloor >= 0) expect(hot?.expiresAt ?? -1, `run ${run}: the hot record went backwards`).toBeGreaterThanOrEqual(hotFloor);
        });
      }
      expect(expected.size, 'every run killed after its first save saved one').toBeGreaterThanOrEqual(kills - Math.ceil(kills / 5));
      // A last save recovers whatever the final kill left (a stale lock, a temp file): it succeeds, and
      // afterwards the location holds nothing a clean exit would not leave.
      await withStore(location, async (store) => {
        const last = await store.saveToken(new OAuthToken({ userSignature: { name: 'after-the-kills@example.com' }, clientId: 'c', accessToken: 'after-the-kills' }));
        expect(await store.findTokenById(last.id!), 'a save after the last kill is stored').not.toBeNull();
        const ids = new Set((await store.getTokens()).map((t) => t.id));
        expect([...expected.keys()].filter((id) => !ids.has(id)), 'a save after the last kill loses no earlier token').toEqual([]);
      });
      await inspect('durability.crash.acknowledged-saves-survive', location, { killed: false, acknowledged: acknowledged + 1 }, 'after a save that followed the last kill');
    });

    test('durability.processes.no-lost-update', async (location) => {
      await withStore(location, async () => {});
      const at = String(Date.now() + 800);
      await Promise.all(Array.from({ length: processes }, (_, p) => runChild(script, worker(['save-many', location, `p${p}`, '20', at]))));
      await inspect('durability.processes.no-lost-update', location, { killed: false, acknowledged: processes * 20 }, 'after the processes exited');
      const names = await withStore(location, async (store) => (await store.getTokens()).map((t) => t.userSignature?.name).sort());
      const want = Array.from({ length: processes }, (_, p) => Array.from({ length: 20 }, (_, i) => `p${p}-${i}`)).flat().sort();
      expect(names, 'every token each process saved').toEqual(want);
    });

    test('durability.processes.one-record-per-user', async (location) => {
      await withStore(location, async () => {}); // created before the race, so the race is about the record
      const at = String(Date.now() + 800);
      const outputs = await Promise.all(Array.from({ length: processes }, () => runChild(script, worker(['save-same', location, 'shared-user', at]))));
      await inspect('durability.processes.one-record-per-user', location, { killed: false, acknowledged: processes * 5 }, 'after the processes exited');
      expect(new Set(outputs.flatMap((lines) => (lines[0] ?? '').split(' '))).size, 'every save got the one id').toBe(1);
      const [tokens, found] = await withStore(location, (store) => Promise.all([store.getTokens(), store.findToken(new OAuthToken({ userSignature: { name: 'shared-user' } }))]));
      expect(tokens, 'exactly one record').toHaveLength(1);
      expect(found?.id, 'the record is found by its user').toBe(tokens[0]?.id);
    });

    test('durability.processes.one-lease-holder', async (location) => {
      await withStore(location, async () => {});
      const at = String(Date.now() + 800);
      const outputs = await Promise.all(Array.from({ length: processes + 2 }, (_, p) => runChild(script, worker(['lease', location, `owner-${p}`, at]))));
      await inspect('durability.processes.one-lease-holder', location, { killed: false, acknowledged: 0 }, 'after the processes exited');
      const answers = outputs.map((lines) => lines[0]);
      expect(answers.filter((l) => l === 'true'), 'granted once').toHaveLength(1);
      expect(answers.filter((l) => l === 'false'), 'refused to every other process').toHaveLength(processes + 1);
    });

    test('durability.engine.one-refresh-per-expiry', async (location) => {
      await refreshRace({ location, processes, expect, script, workerArgs: worker, withStore });
      await inspect('durability.engine.one-refresh-per-expiry', location, { killed: false, acknowledged: 1 }, 'after the processes exited');
    });
  });
}
