import type { ExpectStatic } from 'vitest';
import { ALL_CASES } from './cases/index.js';
import type { ConformanceTestInfo } from './conformance-case.js';
import { DEFAULT_TIMEOUT_MS, type ConformanceOptions, type VitestApi, assertConformanceOptions, validateSkips } from './options.js';
import { runCase, type TestContextLike } from './run-case.js';
import { optionsError } from './options-error.js';

/** Every conformance test: its stable id (for `skip`), its title, and the optional capability it needs. */
export const CONFORMANCE_TESTS: readonly ConformanceTestInfo[] = Object.freeze(
  ALL_CASES.map((c) => Object.freeze(c.needs === undefined ? { id: c.id, title: c.title } : { id: c.id, title: c.title, needs: c.needs })),
);

/** The ids of every conformance test. */
export const conformanceTestIds: readonly string[] = Object.freeze(ALL_CASES.map((c) => c.id));

/**
 * Registers the conformance suite for one store with the caller's vitest:
 *
 * ```ts
 * import * as vitest from 'vitest';
 * runTokenStoreConformance(vitest, { name: 'MyStore', createStore: async () => new MyStore(...) });
 * ```
 *
 * Each test gets a fresh store from `createStore` and is cleaned up after (`destroyStore`, or `close`).
 * Titles start with the test's stable id in brackets, e.g. `[save.upsert.concurrent-new-user]`.
 * Throws at once when the options are malformed, when `skip` names an unknown test id, or when a skip
 * gives no reason.
 */
export function runTokenStoreConformance(vitest: VitestApi, options: ConformanceOptions): void {
  if (!vitest || typeof vitest.describe !== 'function' || typeof vitest.it !== 'function' || typeof vitest.expect !== 'function') {
    throw optionsError("runTokenStoreConformance: pass your vitest namespace first: import * as vitest from 'vitest'");
  }
  assertConformanceOptions(options);
  const skips = validateSkips(options.skip, conformanceTestIds);
  const timeout = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const prefix = `[tokenstore conformance: ${options.name}]`;

  const skipped: { id: string; reason: string }[] = [];
  for (const c of ALL_CASES) {
    const reason = skips.get(c.id) ?? (c.needs === 'reopen' && !options.reopenStore ? 'no options.reopenStore given' : undefined);
    if (reason !== undefined) skipped.push({ id: c.id, reason });
  }
  if (skipped.length > 0) {
    console.info(`${prefix} skipping ${skipped.length} test(s):\n${skipped.map((s) => `  - ${s.id}: ${s.reason}`).join('\n')}`);
  }
  const reasons = new Map(skipped.map((s) => [s.id, s.reason]));

  vitest.describe(`tokenstore conformance: ${options.name}`, () => {
    for (const c of ALL_CASES) {
      const title = `[${c.id}] ${c.title}`;
      const reason = reasons.get(c.id);
      if (reason !== undefined) {
        vitest.it.skip(`${title} (skipped: ${reason})`, () => {});
        continue;
      }
      vitest.it(title, { timeout }, (context: TestContextLike) => runCase(c, options, context, vitest.expect as unknown as ExpectStatic, prefix));
    }
  });
}
