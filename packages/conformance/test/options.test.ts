import { readFileSync } from 'node:fs';
import { MemoryStore } from '@tokenstore/core';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { looksSequential } from '../src/cases/save-ids.js';
import { CONFORMANCE_TESTS, type ConformanceOptions, type VitestApi, conformanceTestIds, resolveConformanceOptions, runTokenStoreConformance } from '../src/index.js';

/** A stand-in for the vitest namespace that records what the suite registers. */
function recordingVitest() {
  const registered: { kind: 'it' | 'skip'; title: string }[] = [];
  const describes: string[] = [];
  const it = Object.assign((title: string) => void registered.push({ kind: 'it', title }), {
    skip: (title: string) => void registered.push({ kind: 'skip', title }),
  });
  const api = {
    describe: (title: string, body: () => void) => {
      describes.push(title);
      body();
    },
    it,
    expect,
  } as unknown as VitestApi;
  return { api, registered, describes };
}

const base: ConformanceOptions = { name: 'MemoryStore', createStore: async () => new MemoryStore() };

afterEach(() => {
  vi.restoreAllMocks();
});

describe('runTokenStoreConformance options', () => {
  it('registers every test once, titled with its id in brackets, inside one describe named after the store', () => {
    const { api, registered, describes } = recordingVitest();
    vi.spyOn(console, 'info').mockImplementation(() => {});
    runTokenStoreConformance(api, { ...base, reopenStore: async (s) => s });
    expect(describes).toEqual(['tokenstore conformance: MemoryStore']);
    expect(registered.map((r) => /^\[([^\]]+)\] /.exec(r.title)?.[1])).toEqual([...conformanceTestIds]);
    expect(registered.every((r) => r.kind === 'it')).toBe(true);
  });

  it('test ids are unique, stable-looking and listed with titles in CONFORMANCE_TESTS', () => {
    expect(new Set(conformanceTestIds).size).toBe(conformanceTestIds.length);
    for (const id of conformanceTestIds) expect(id).toMatch(/^[a-z][a-z0-9-]*(\.[a-z0-9-]+)+$/);
    expect(CONFORMANCE_TESTS.map((t) => t.id)).toEqual([...conformanceTestIds]);
    expect(conformanceTestIds.length).toBeGreaterThanOrEqual(60);
  });

  it('a skip registers it.skip with the reason in the title and prints it', () => {
    const { api, registered } = recordingVitest();
    const info = vi.spyOn(console, 'info').mockImplementation(() => {});
    runTokenStoreConformance(api, { ...base, skip: { 'lock.expiry': 'leases have a 1 s granularity' } });
    const skipped = registered.filter((r) => r.kind === 'skip').map((r) => r.title);
    expect(skipped).toContain(
      `[lock.expiry] ${CONFORMANCE_TESTS.find((t) => t.id === 'lock.expiry')?.title} (skipped: leases have a 1 s granularity)`,
    );
    const printed = info.mock.calls.map((c) => String(c[0])).join('\n');
    expect(printed).toContain('lock.expiry: leases have a 1 s granularity');
  });

  it('without reopenStore the reopen tests are skipped with a printed reason', () => {
    const { api, registered } = recordingVitest();
    const info = vi.spyOn(console, 'info').mockImplementation(() => {});
    runTokenStoreConformance(api, base);
    const reopen = registered.filter((r) => r.title.startsWith('[reopen.'));
    expect(reopen.length).toBe(3);
    for (const r of reopen) {
      expect(r.kind).toBe('skip');
      expect(r.title).toContain('(skipped: no options.reopenStore given)');
    }
    expect(info.mock.calls.map((c) => String(c[0])).join('\n')).toContain('reopen.deletes-persist: no options.reopenStore given');
  });

  it('a skip without a non-empty reason throws', () => {
    const { api } = recordingVitest();
    for (const reason of ['', '   ', undefined, 42]) {
      expect(() => runTokenStoreConformance(api, { ...base, skip: { 'lock.expiry': reason as unknown as string } })).toThrow(/must give a non-empty reason/);
    }
  });

  it('a skip naming an unknown test id throws, suggesting the closest id', () => {
    const { api } = recordingVitest();
    expect(() => runTokenStoreConformance(api, { ...base, skip: { 'save.upsert.concurent-new-user': 'typo' } })).toThrow(
      'unknown test ids: "save.upsert.concurent-new-user" (did you mean "save.upsert.concurrent-new-user"?)',
    );
    expect(() => runTokenStoreConformance(api, { ...base, skip: { nonsense: 'x' } })).toThrow('unknown test ids: "nonsense"');
  });

  it('malformed options and a missing vitest namespace throw at once', () => {
    const { api } = recordingVitest();
    expect(() => runTokenStoreConformance(api, { ...base, name: '' })).toThrow(/options.name/);
    expect(() => runTokenStoreConformance(api, { name: 'x' } as unknown as ConformanceOptions)).toThrow(/createStore/);
    expect(() => runTokenStoreConformance(api, { ...base, openPeer: 'no' } as unknown as ConformanceOptions)).toThrow(/openPeer/);
    expect(() => runTokenStoreConformance(api, { ...base, skip: 'x' } as unknown as ConformanceOptions)).toThrow(/skip/);
    expect(() => runTokenStoreConformance(undefined as unknown as VitestApi, base)).toThrow(/import \* as vitest/);
  });
});

describe('resolveConformanceOptions', () => {
  it('accepts the options, a module namespace, a CJS double default, and sync or async factories', async () => {
    expect(await resolveConformanceOptions(base)).toBe(base);
    expect(await resolveConformanceOptions({ default: base })).toBe(base);
    expect(await resolveConformanceOptions({ default: { default: base } })).toBe(base);
    expect(await resolveConformanceOptions({ default: () => base })).toBe(base);
    expect(await resolveConformanceOptions({ default: async () => base })).toBe(base);
  });

  it('rejects anything else', async () => {
    await expect(resolveConformanceOptions({ default: 42 })).rejects.toThrow(/must export default the options/);
    await expect(resolveConformanceOptions({ default: () => ({ name: 'no createStore' }) })).rejects.toThrow(/must export default/);
  });
});

describe('generated-id check', () => {
  it('flags counters (decimal, hex, with prefixes) and passes random ids', () => {
    expect(looksSequential(Array.from({ length: 20 }, (_, i) => String(i + 1)))).toBe(true);
    expect(looksSequential(Array.from({ length: 20 }, (_, i) => `tok-${100 + i * 2}`))).toBe(true);
    expect(looksSequential(Array.from({ length: 20 }, (_, i) => `65a1f0c2e4b0a1b2c3d4${(0xe0 + i).toString(16)}`))).toBe(true);
    expect(looksSequential(Array.from({ length: 20 }, () => crypto.randomUUID()))).toBe(false);
  });
});

describe('packaging', () => {
  it('the suite never imports vitest at runtime (only types)', () => {
    for (const file of ['../dist/index.js', '../dist/index.cjs']) {
      const code = readFileSync(new URL(file, import.meta.url), 'utf8');
      expect(code).not.toMatch(/^\s*(import|export)\b[^;]*?from\s*["']vitest(\/[^"']*)?["']/m);
      expect(code).not.toMatch(/require\(\s*["']vitest|import\(\s*["']vitest/);
    }
  });

  it('the README lists every test id', () => {
    const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
    const missing = conformanceTestIds.filter((id) => !readme.includes(`\`${id}\``));
    expect(missing).toEqual([]);
  });
});
