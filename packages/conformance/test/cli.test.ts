import { spawn } from 'node:child_process';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { CONFORMANCE_TESTS, conformanceTestIds } from '../src/index.js';
import { childEnv } from './support/child-vitest.js';

const TOTAL = conformanceTestIds.length;
/** MemoryStore's lock has no acquireAndFind or saveAndRelease (optional): those tests skip with their reason. */
const OPTIONAL_LOCK_METHODS = CONFORMANCE_TESTS.filter((c) => c.needs === 'acquireAndFind' || c.needs === 'saveAndRelease').length;

// The CLI for real: the built bin, spawned like a third party's CI runs it, against modules in
// test/fixtures. Needs `pnpm build` first (turbo runs it before test).

const packageDir = fileURLToPath(new URL('..', import.meta.url));
const bin = fileURLToPath(new URL('../dist/cli.js', import.meta.url));

function cli(...args: string[]): Promise<{ code: number | null; output: string }> {
  if (!existsSync(bin)) throw new Error(`${bin} is missing: run pnpm build first`);
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [bin, ...args], { cwd: packageDir, env: { ...childEnv(), NO_COLOR: '1', FORCE_COLOR: '0' } });
    let output = '';
    child.stdout.on('data', (d) => (output += d));
    child.stderr.on('data', (d) => (output += d));
    child.on('close', (code) => resolve({ code, output }));
  });
}

describe.concurrent('tokenstore-conformance CLI', () => {
  it('the bin is dist/cli.js, executable, with a node shebang', () => {
    const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { bin: Record<string, string> };
    expect(pkg.bin['tokenstore-conformance']).toBe('./dist/cli.js');
    expect(readFileSync(bin, 'utf8').startsWith('#!/usr/bin/env node\n')).toBe(true);
    expect(statSync(bin).mode & 0o111).not.toBe(0);
  });

  it('exits 0 for a module exporting MemoryStore options (full suite)', async () => {
    const { code, output } = await cli('test/fixtures/memory-store.conformance.mjs');
    expect(output).toMatch(new RegExp(`Tests\\s+${TOTAL - 3 - OPTIONAL_LOCK_METHODS} passed \\| ${3 + OPTIONAL_LOCK_METHODS} skipped \\(${TOTAL}\\)`));
    expect(output).toContain("the store's lock has no acquireAndFind");
    expect(output).toContain('reopen.persists-all-fields: no options.reopenStore given');
    expect(code, output).toBe(0);
  });

  it('exits non-zero for a broken store (TypeScript module, async factory) and names the failing test', async () => {
    const { code, output } = await cli('test/fixtures/broken-store.conformance.ts');
    expect(code, output).toBe(1);
    expect(output).toMatch(/FAIL .*\[delete-tokens\.clears\]/);
  });

  it('accepts a CommonJS factory, --filter, and prints skips with their reason', async () => {
    const { code, output } = await cli('test/fixtures/factory.conformance.cjs', '--filter', '\\[lock\\.');
    expect(output).toContain('lock.expiry: skipped to show how a skip with a reason is reported');
    // Every lock test runs except lock.expiry, which the fixture skips with a reason.
    const lockTests = conformanceTestIds.filter((id) => id.startsWith('lock.')).length;
    expect(output).toMatch(new RegExp(`Tests\\s+${lockTests - 1 - OPTIONAL_LOCK_METHODS} passed \\| ${TOTAL - lockTests + 1 + OPTIONAL_LOCK_METHODS} skipped \\(${TOTAL}\\)`));
    expect(code, output).toBe(0);
  });

  it('exits 2 (setup error) when the default export is not conformance options', async () => {
    const { code, output } = await cli('test/fixtures/not-options.conformance.mjs');
    expect(code, output).toBe(2);
    expect(output).toContain('setup error');
    expect(output).toContain('must export default the options');
  });

  it('exits 2 (setup error) when skip names an unknown test id (typo protection)', async () => {
    const { code, output } = await cli('test/fixtures/typo-skip.conformance.mjs');
    expect(code, output).toBe(2);
    expect(output).toContain('"lock.expiri" (did you mean "lock.expiry"?)');
  });

  it('exits 2 when --filter selects no test (a typo in CI must not go green)', async () => {
    const { code, output } = await cli('test/fixtures/memory-store.conformance.mjs', '-t', 'no.such.test');
    expect(code, output).toBe(2);
    expect(output).toContain('--filter "no.such.test" selects no test');
    const skippedOnly = await cli('test/fixtures/factory.conformance.cjs', '--filter', '\\[lock\\.expiry\\]');
    expect(skippedOnly.code, skippedOnly.output).toBe(2);
  });

  it('exits 2 on usage errors: no module, a missing module, an unknown option', async () => {
    const none = await cli();
    expect(none.code).toBe(2);
    expect(none.output).toContain('Usage: tokenstore-conformance <module>');
    const missing = await cli('test/fixtures/does-not-exist.mjs');
    expect(missing.code).toBe(2);
    expect(missing.output).toContain('module not found');
    const unknown = await cli('--bogus', 'x.mjs');
    expect(unknown.code).toBe(2);
    expect(unknown.output).toContain('unknown option --bogus');
  });

  it('--durability runs the durability suite: exit 1 naming the failed test for a store whose lease does not exclude', async () => {
    const { code, output } = await cli('test/fixtures/durability-broken/open-lock-store.conformance.mjs', '--durability');
    expect(output).toContain('running the durability suite against');
    expect(output).toMatch(/FAIL .*\[durability\.engine\.one-refresh-per-expiry\]/);
    // The full id and rule, then what was expected (as conformance failures read).
    expect(output).toMatch(/\[durability\.engine\.one-refresh-per-expiry\] rule: [^\n]*\nexactly one token request/);
    expect(output).toMatch(/Tests\s+2 failed \| 3 skipped \(5\)/);
    expect(code, output).toBe(1);
  });

  it('--durability exits 2 for a module without a durability part, and for a TypeScript module (its children run plain node)', async () => {
    const plain = await cli('test/fixtures/memory-store.conformance.mjs', '--durability');
    expect(plain.code, plain.output).toBe(2);
    expect(plain.output).toContain('has no `durability` part');
    const typescript = await cli('test/fixtures/broken-store.conformance.ts', '--durability');
    expect(typescript.code, typescript.output).toBe(2);
    expect(typescript.output).toContain('--durability needs a plain JavaScript module');
  });

  it('--help exits 0 and --version prints the package version', async () => {
    const help = await cli('--help');
    expect(help.code).toBe(0);
    expect(help.output).toContain('Exit status');
    expect(help.output).toContain('--durability');
    const version = await cli('--version');
    const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string };
    expect(version.output.trim()).toBe(pkg.version);
  });
});
