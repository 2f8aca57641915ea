import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, realpathSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CONFORMANCE_TESTS, conformanceTestIds, durabilityTestIds } from '../src/index.js';
import { childEnv, runChildVitest } from './support/child-vitest.js';

// The store template (templates/ at the repository root) as a third party uses it: one command
// generates a package, which must type-check and pass its conformance through vitest and through the
// built CLI, so the template cannot rot as the kit or the suite change. The generated package gets the
// workspace's built core and conformance (and vitest, typescript) linked in, as `npm install` would.

const repoRoot = fileURLToPath(new URL('../../..', import.meta.url));
const createStoreScript = join(repoRoot, 'templates', 'create-store.mjs');
const cliBin = fileURLToPath(new URL('../dist/cli.js', import.meta.url));
const require = createRequire(import.meta.url);
const TOTAL = conformanceTestIds.length;
// The template's in-memory data does not outlive the store, so it gives no reopenStore yet.
const REOPEN_TESTS = conformanceTestIds.filter((id) => id.startsWith('reopen.')).length;
/** The template's lock offers no acquireAndFind or saveAndRelease (optional capabilities): those tests skip too. */
const SKIPPED = REOPEN_TESTS + CONFORMANCE_TESTS.filter((c) => c.needs === 'acquireAndFind' || c.needs === 'saveAndRelease').length;

function run(args: string[], cwd: string): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, args, { cwd, env: { ...childEnv(), NO_COLOR: '1', FORCE_COLOR: '0' } });
    let output = '';
    child.stdout.on('data', (d) => (output += d));
    child.stderr.on('data', (d) => (output += d));
    child.on('close', (code) => resolve({ code, output }));
  });
}

function packageDirOf(name: string): string {
  return realpathSync(dirname(require.resolve(`${name}/package.json`, { paths: [repoRoot] })));
}

/** What `npm install` would put in the generated package's node_modules, linked from this workspace. */
function linkDependencies(target: string): void {
  const links: Record<string, string> = {
    '@tokenstore/core': join(repoRoot, 'packages', 'core'),
    '@tokenstore/conformance': join(repoRoot, 'packages', 'conformance'),
    vitest: packageDirOf('vitest'),
    typescript: packageDirOf('typescript'),
    '@types/node': realpathSync(dirname(require.resolve('@types/node/package.json', { paths: [join(repoRoot, 'packages', 'core')] }))),
  };
  for (const [name, source] of Object.entries(links)) {
    const link = join(target, 'node_modules', name);
    mkdirSync(dirname(link), { recursive: true });
    symlinkSync(source, link, 'dir');
  }
}

describe('the store template (templates/create-store.mjs)', () => {
  let root: string;
  let store: string;

  beforeAll(async () => {
    root = mkdtempSync(join(tmpdir(), 'tokenstore-template-'));
    store = join(root, 'acme-store');
    const created = await run([createStoreScript, store, '@acme/tokenstore-acme'], root);
    expect(created.code, created.output).toBe(0);
    linkDependencies(store);
  });
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it('fills in the package name and store class everywhere, leaving no placeholder', async () => {
    const pkg = JSON.parse(readFileSync(join(store, 'package.json'), 'utf8')) as { name: string; peerDependencies: Record<string, string> };
    expect(pkg.name).toBe('@acme/tokenstore-acme');
    const coreVersion = (JSON.parse(readFileSync(join(repoRoot, 'packages', 'core', 'package.json'), 'utf8')) as { version: string }).version;
    expect(pkg.peerDependencies['@tokenstore/core']).toBe(`^${coreVersion}`);
    expect(readFileSync(join(store, 'src', 'store.ts'), 'utf8')).toContain('export class AcmeStore extends RecordTokenStore');
    const generated = readdirSync(store, { recursive: true, withFileTypes: true })
      .filter((entry) => entry.isFile() && !join(entry.parentPath, entry.name).includes('node_modules'))
      .map((entry) => join(entry.parentPath, entry.name));
    expect(generated.length).toBeGreaterThan(8);
    expect(generated.filter((file) => /__[A-Z_]+__/.test(readFileSync(file, 'utf8')))).toEqual([]);
    expect(readFileSync(join(store, '.gitignore'), 'utf8')).toContain('node_modules');
    expect(readFileSync(join(store, '.github', 'workflows', 'ci.yml'), 'utf8')).toContain('npm run conformance');
  });

  it('refuses a non-empty target directory and an invalid package name (exit 2)', async () => {
    const existing = await run([createStoreScript, store, '@acme/other'], root);
    expect(existing.code, existing.output).toBe(2);
    expect(existing.output).toContain('is not empty');
    const badName = await run([createStoreScript, join(root, 'bad'), 'Not A Name'], root);
    expect(badName.code, badName.output).toBe(2);
  });

  it('type-checks (src, the conformance module and the test, skipLibCheck off)', async () => {
    const tsc = await run([join(packageDirOf('typescript'), 'bin', 'tsc'), '-p', 'tsconfig.check.json'], store);
    expect(tsc.code, tsc.output).toBe(0);
  });

  describe.concurrent('passes its conformance', () => {
    it('through the built tokenstore-conformance CLI (npm run conformance)', async () => {
      const { code, output } = await run([cliBin, 'conformance.config.ts'], store);
      expect(output).toMatch(new RegExp(`Tests\\s+${TOTAL - SKIPPED} passed \\| ${SKIPPED} skipped \\(${TOTAL}\\)`));
      expect(code, output).toBe(0);
    });

    it('through its own vitest file (npm test)', async () => {
      const { code, assertions, output } = await runChildVitest(store, join(store, 'vitest.config.ts'));
      expect(assertions.filter((a) => a.status === 'passed')).toHaveLength(TOTAL - SKIPPED);
      expect(assertions.filter((a) => a.status === 'failed')).toEqual([]);
      expect(code, output).toBe(0);
    });

    // In the concurrent group: its build and CLI run overlap the other two runs' waits (about 6 s alone).
    it('has a durability part the built CLI runs (npm run build && npm run durability): every durability test registered, skipped with its reason, exit 0', async () => {
      const pkg = JSON.parse(readFileSync(join(store, 'package.json'), 'utf8')) as { scripts: Record<string, string> };
      expect(pkg.scripts.durability).toBe('tokenstore-conformance conformance.durability.mjs --durability');
      expect(readFileSync(join(store, '.github', 'workflows', 'ci.yml'), 'utf8')).toContain('npm run durability');
      const build = await run([join(packageDirOf('typescript'), 'bin', 'tsc'), '-p', 'tsconfig.json'], store);
      expect(build.code, build.output).toBe(0);
      const { code, output } = await run([cliBin, 'conformance.durability.mjs', '--durability', '--reporter=verbose'], store);
      // The in-memory starting point skips the four process tests (with a reason) and does not opt in to the refresh race.
      expect(output).toMatch(new RegExp(`Tests\\s+${durabilityTestIds.length} skipped \\(${durabilityTestIds.length}\\)`));
      expect(output).toContain('the in-memory starting point keeps no data beyond its process');
      expect(code, output).toBe(0);
    });
  });

  it('the generated suite runs the generated backend: breaking it fails the CLI (exit 1)', async () => {
    const broken = join(root, 'broken-store');
    expect((await run([createStoreScript, broken, '@acme/broken'], root)).code).toBe(0);
    linkDependencies(broken);
    const backend = join(broken, 'src', 'backend.ts');
    // A lookup that finds nothing: the suite must be exercising this file, not some other store.
    const source = readFileSync(backend, 'utf8');
    const findsNothing = source.replace('return this.#records.findBy(field, value);', 'return [];');
    expect(findsNothing).not.toBe(source);
    writeFileSync(backend, findsNothing);
    const { code, output } = await run([cliBin, 'conformance.config.ts', '--filter', '\\[find\\.'], broken);
    expect(output).toMatch(/FAIL .*\[find\./);
    expect(code, output).toBe(1);
  });
});
