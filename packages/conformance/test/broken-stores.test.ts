import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { conformanceTestIds } from '../src/index.js';
import { type JsonAssertion, runChildVitest, testIdOf } from './support/child-vitest.js';
import { FLAWS, type Flaw } from './support/configurable-store.js';

// One child vitest runs the suite against the flaw-free control store and against every flawed store
// (test/broken/broken-stores.broken.ts); here we check the control passes everything and every flaw
// fails, at least, the tests named for it. A suite that a broken store passes is a bug.

const packageDir = fileURLToPath(new URL('..', import.meta.url));
const byStore = new Map<string, JsonAssertion[]>();
let childCode: number | null = null;

beforeAll(async () => {
  const run = await runChildVitest(packageDir, 'test/broken/vitest.config.ts');
  childCode = run.code;
  for (const a of run.assertions) {
    const store = (a.ancestorTitles[0] ?? '').replace(/^tokenstore conformance: /, '');
    byStore.set(store, [...(byStore.get(store) ?? []), a]);
  }
  const lines = [...byStore].filter(([name]) => name !== 'control').map(([name, results]) => {
    const failed = results.filter((r) => r.status === 'failed').map((r) => testIdOf(r.title));
    return `  ${name.padEnd(38)} ${failed.length} failed: ${failed.join(', ')}`;
  });
  console.info(`conformance against broken stores:\n${lines.join('\n')}`);
}, 120_000);

function failedIds(store: string): string[] {
  return (byStore.get(store) ?? []).filter((r) => r.status === 'failed').map((r) => testIdOf(r.title) ?? r.title);
}

describe('the suite against deliberately broken stores', () => {
  it('the child run reports failures (non-zero exit)', () => {
    expect(childCode).not.toBe(0);
  });

  it('the flaw-free control store passes every test (nothing skipped)', () => {
    const results = byStore.get('control') ?? [];
    expect(results.map((r) => testIdOf(r.title)).sort()).toEqual([...conformanceTestIds].sort());
    const bad = results.filter((r) => r.status !== 'passed').map((r) => `${r.title}: ${r.status} ${r.failureMessages.join('\n').slice(0, 500)}`);
    expect(bad).toEqual([]);
  });

  it('every mustFail id is a real test id', () => {
    const known = new Set(conformanceTestIds);
    const unknown = Object.values(FLAWS).flatMap((f) => f.mustFail.filter((id) => !known.has(id)));
    expect(unknown).toEqual([]);
  });

  for (const [flaw, { does, mustFail }] of Object.entries(FLAWS) as [Flaw, (typeof FLAWS)[Flaw]][]) {
    it(`broken:${flaw} (${does}) fails ${mustFail.join(', ')}`, () => {
      const failed = failedIds(`broken:${flaw}`);
      expect((byStore.get(`broken:${flaw}`) ?? []).length, 'the broken store ran the whole suite').toBe(conformanceTestIds.length);
      expect(failed.length, 'failed tests').toBeGreaterThan(0);
      expect(failed).toEqual(expect.arrayContaining([...mustFail]));
    });
  }

  it('every failure names its case id and rule, then what was expected (no unshipped source needed)', () => {
    const failures = [...byStore.values()].flat().filter((r) => r.status === 'failed');
    expect(failures.length).toBeGreaterThan(0);
    const unnamed = failures.filter((r) => {
      const id = testIdOf(r.title);
      return !(r.failureMessages[0] ?? '').includes(`[${id}] rule: `) || !/expected|must/i.test(r.failureMessages[0] ?? '');
    });
    expect(unnamed.map((r) => `${r.title}: ${(r.failureMessages[0] ?? '').slice(0, 200)}`)).toEqual([]);
  });

  it('at least 12 broken stores are checked', () => {
    expect(Object.keys(FLAWS).length).toBeGreaterThanOrEqual(12);
  });
});
