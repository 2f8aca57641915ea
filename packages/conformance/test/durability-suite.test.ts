import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { durabilityTestIds, runDurabilitySuite } from '../src/index.js';
import { runDurabilitySuite as runBuiltDurabilitySuite } from '../dist/index.js';
import { runChildVitest, testIdOf } from './support/child-vitest.js';

// The durability suite's own check: a store that acknowledges saves it has not written yet and whose
// lease is in-process only must fail the durability tests of those faults (our FileStore and SQLiteStore pass it in
// their packages' test/durability.test.ts). Runs the built dist: its child processes need
// dist/durability/durability-worker.js.

const dir = fileURLToPath(new URL('./fixtures/durability-broken/', import.meta.url));

describe('runDurabilitySuite', () => {
  it('fails the crash, lost-update and lease tests of a write-behind store with an in-process lease, naming the test id', async () => {
    const { assertions, output } = await runChildVitest(dir, `${dir}vitest.config.ts`);
    const failed = assertions.filter((a) => a.status === 'failed').map((a) => testIdOf(a.title));
    // The module skips one-record-per-user (this store's outcome there depends on timing); the skip
    // is reported with its reason, like the conformance suite's skips.
    const caught = durabilityTestIds.filter((id) => id !== 'durability.processes.one-record-per-user');
    expect(failed.sort(), output.slice(-3000)).toEqual([...caught].sort());
    const skipped = assertions.filter((a) => a.status === 'skipped');
    expect(skipped.map((a) => a.title)).toEqual([expect.stringMatching(/^\[durability\.processes\.one-record-per-user\] .*\(skipped: timing-dependent for this store\)$/)]);
    // Every failure says which durability test and what was expected, not just a bare assertion.
    for (const a of assertions.filter((t) => t.status === 'failed')) expect(a.failureMessages.join('\n')).toMatch(/\[durability\.[a-z.-]+\]/);
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
      /^\[durability\.processes\.no-lost-update\] inspectLocation after the processes exited \(40 saves acknowledged\): planted: memory holds a leftover/,
    );
  });
});
