import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { expect, it } from 'vitest';

const root = fileURLToPath(new URL('../..', import.meta.url));
const here = fileURLToPath(new URL('..', import.meta.url));

/** The first ```ts block of the root README: the quick start. */
function quickStart(): string {
  const readme = readFileSync(join(root, 'README.md'), 'utf8');
  const match = /```ts\n([\s\S]*?)```/.exec(readme);
  if (!match?.[1]) throw new Error('README.md has no ```ts quick start block');
  return match[1];
}

// The quick start cannot run here (it talks to a real authorization server), but it must compile
// against the packages as built, so the README never shows an API that does not exist.
it('the README quick start type-checks against the built packages', async () => {
  const dir = mkdtempSync(join(here, '.readme-check-'));
  try {
    const file = join(dir, 'quick-start.ts');
    writeFileSync(file, quickStart());
    const tsc = join(root, 'node_modules', 'typescript', 'bin', 'tsc');
    const args = ['--ignoreConfig', '--noEmit', '--strict', '--module', 'esnext', '--moduleResolution', 'bundler', '--target', 'es2022', '--types', 'node', '--skipLibCheck', file];
    const result = await promisify(execFile)(process.execPath, [tsc, ...args], { cwd: here }).then(
      () => ({ ok: true, output: '' }),
      (error: { stdout?: string }) => ({ ok: false, output: error.stdout ?? String(error) }),
    );
    expect(result.output).toBe('');
    expect(result.ok).toBe(true);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}, 60_000);
