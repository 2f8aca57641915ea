import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { DURABILITY_TESTS, type DurabilityTestId, durabilityTestIds, runDurabilitySuite } from '../src/index.js';
import { runDurabilitySuite as runBuiltDurabilitySuite } from '../dist/index.js';
import { runChildVitest, testIdOf } from './support/child-vitest.js';

// The durability suite's own check: a store that acknowledges saves it has not written yet and whose
// lease is in-process only must fail the durability tests of those faults (our FileStore and SQLiteStore pass it in
// their packages' test/durability.test.ts). Runs the built dist: its child processes need
// dist/durability/durability-worker.js.

const dir = fileURLToPath(new URL('./fixtures/durability-broken/', import.meta.url));

// One child vitest run for both broken stores; each test reads its store's results.
let brokenRun: ReturnType<typeof runChildVitest> | undefined;
async function resultsOf(store: string) {
  const { assertions, output } = await (brokenRun ??= runChildVitest(dir, `${dir}vitest.config.ts`));
  const mine = assertions.filter((a) => a.ancestorTitles.some((t) => t === `tokenstore durability: ${store}`));
  const idsWith = (status: string) => mine.filter((a) => a.status === status).map((a) => testIdOf(a.title)).sort();
  return { mine, idsWith, output: output.slice(-3000) };
}

describe('runDurabilitySuite', () => {
  it('fails the crash, lost-update and lease tests of a write-behind store with an in-process lease, naming the test id', async () => {
    const { mine, idsWith, output } = await resultsOf('write-behind (broken)');
    // The module skips one-record-per-user (this store's outcome there depends on timing) and does not
    // opt in to the refresh race; skips are reported with their reason, like the conformance suite's.
    const caught = durabilityTestIds.filter((id) => id !== 'durability.processes.one-record-per-user' && id !== 'durability.engine.one-refresh-per-expiry');
    expect(idsWith('failed'), output).toEqual([...caught].sort());
    expect(mine.filter((a) => a.status === 'skipped').map((a) => a.title).sort()).toEqual([
      expect.stringMatching(/^\[durability\.engine\.one-refresh-per-expiry\] .*\(skipped: opt-in: set durability\.refreshRace to true\)$/),
      expect.stringMatching(/^\[durability\.processes\.one-record-per-user\] .*\(skipped: timing-dependent for this store\)$/),
    ]);
    // Every failure starts with its full test id and rule, as the conformance cases' do, then what was expected.
    for (const a of mine.filter((t) => t.status === 'failed')) {
      const id = testIdOf(a.title)!;
      expect(a.failureMessages[0] ?? '', a.title).toContain(`[${id}] rule: ${DURABILITY_TESTS[id as DurabilityTestId]}\n`);
      expect(a.failureMessages[0] ?? '', `${a.title}: no abbreviated id`).not.toMatch(/\[durability\.(crash|processes|engine)\]/);
    }
  }, 120_000);

  it('fails the refresh race of a store whose lease does not exclude: several token requests for one expiry', async () => {
    const { mine, idsWith, output } = await resultsOf('open lock (broken)');
    expect(idsWith('failed'), output).toEqual(['durability.engine.one-refresh-per-expiry', 'durability.processes.one-lease-holder']);
    const race = mine.find((a) => testIdOf(a.title) === 'durability.engine.one-refresh-per-expiry')!;
    expect(race.failureMessages[0]).toMatch(/^AssertionError: \[durability\.engine\.one-refresh-per-expiry\] rule: .*\nexactly one token request/);
  }, 120_000);

  it('rejects a module without a durability part, and unknown skip ids', async () => {
    const vitest = { describe: () => {}, it: Object.assign(() => {}, { skip: () => {} }), expect: () => {} };
    const plain = fileURLToPath(new URL('./fixtures/memory-store.conformance.mjs', import.meta.url));
    await expect(runDurabilitySuite(vitest, { module: plain })).rejects.toThrow('has no `durability` part');
    await expect(runDurabilitySuite(vitest, { module: '' })).rejects.toThrow('options.module');
    const typo = fileURLToPath(new URL('./fixtures/durability-broken/typo-skip.conformance.mjs', import.meta.url));
    await expect(runDurabilitySuite(vitest, { module: typo })).rejects.toThrow('durability.crash.acknowledged-saves-survive');
  });

  it("fails a test when the module's inspectLocation finds a fault in the location, naming the test and the moment", async () => {
    // The suite's own vitest calls are collected, then one test body is run here (the built dist: its
    // child processes need dist/durability/durability-worker.js).
    const bodies = new Map<string, () => Promise<void>>();
    const vitest = {
      describe: (_name: string, body: () => void) => body(),
      it: Object.assign((title: string, _options: unknown, body: () => Promise<void>) => void bodies.set(testIdOf(title)!, body), { skip: () => {} }),
      expect,
    };
    await runBuiltDurabilitySuite(vitest, { module: fileURLToPath(new URL('./fixtures/inspect-fails.conformance.mjs', import.meta.url)), processes: 2 });
    await expect(bodies.get('durability.processes.no-lost-update')!()).rejects.toThrow(
      /^\[durability\.processes\.no-lost-update\] rule: [^\n]+\nexpected the module's inspectLocation after the processes exited \(40 saves acknowledged\) to find no fault, but it threw Error: planted: memory holds a leftover/,
    );
  });
});
