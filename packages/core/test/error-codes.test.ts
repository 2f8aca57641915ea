/**
 * Error codes are a literal union: a misspelt code fails to compile (checked with tsc on a fixture),
 * and every code thrown anywhere in packages/\*\/src is in the union and in the README's table.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { AuthorizationErrorCode, EncryptionErrorCode, OAuthErrorCode, StoreErrorCode, ToolErrorCode } from '../src/index.js';

const here = dirname(fileURLToPath(import.meta.url));
const core = join(here, '..');
const packages = join(core, '..');
const tsc = join(packages, '..', 'node_modules', '.bin', 'tsc');

function compile(fixture: string): { ok: boolean; output: string } {
  const args = ['--ignoreConfig', '--noEmit', '--strict', '--module', 'nodenext', '--moduleResolution', 'nodenext', '--target', 'es2022', '--skipLibCheck', '--types', 'node', join(here, 'fixtures', fixture)];
  try {
    return { ok: true, output: execFileSync(tsc, args, { cwd: core, encoding: 'utf8' }) };
  } catch (error) {
    return { ok: false, output: String((error as { stdout?: string }).stdout ?? error) };
  }
}

const union = new Set<string>([StoreErrorCode, OAuthErrorCode, EncryptionErrorCode, AuthorizationErrorCode, ToolErrorCode].flatMap((group) => Object.values(group)));

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return name === 'node_modules' || name === 'dist' ? [] : sourceFiles(path);
    return /\.(ts|mts|cts)$/.test(name) ? [path] : [];
  });
}

describe('error codes', () => {
  it("isTokenStoreError(e, 'STORE_CONFILCT') does not compile; correct spellings do", () => {
    const typo = compile('error-code-typo.ts');
    expect(typo.ok).toBe(false);
    expect(typo.output).toMatch(/error TS2345: Argument of type '"STORE_CONFILCT"'/);
    const spelt = compile('error-code-spelt.ts');
    expect(spelt.output).toBe('');
    expect(spelt.ok).toBe(true);
  }, 60_000);

  it('every code thrown in packages/*/src is in the union and in the README table', () => {
    const thrown = new Set<string>();
    for (const pkg of readdirSync(packages)) {
      let files: string[];
      try {
        files = sourceFiles(join(packages, pkg, 'src'));
      } catch {
        continue;
      }
      for (const file of files) {
        const text = readFileSync(file, 'utf8');
        for (const m of text.matchAll(/new TokenStoreError\(\s*'([A-Z_]+)'/g)) thrown.add(m[1] as string);
        for (const m of text.matchAll(/\b([A-Z][A-Z_]{3,}): '\1'/g)) thrown.add(m[1] as string);
        for (const m of text.matchAll(/\bcode: '([A-Z][A-Z_]+)'/g)) thrown.add(m[1] as string);
      }
    }
    for (const code of ['REFRESH_FAILED', 'REFRESH_LEASE_LOST', 'REFRESH_CONFLICT', 'INVALID_TOKEN_RESPONSE']) expect(thrown).toContain(code);
    expect([...thrown].filter((code) => !union.has(code))).toEqual([]);
    const readme = readFileSync(join(core, 'README.md'), 'utf8');
    expect([...union].filter((code) => !readme.includes(`| \`${code}\``))).toEqual([]);
  });
});
