import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

// TypeScript consumers of the built package, as a third party's project sees it: node_modules holding
// @tokenstore/conformance (this package's dist and package.json), @tokenstore/core, vitest and
// @types/node, strict, skipLibCheck off (so every shipped .d.ts/.d.cts is checked). One project per
// module mode: CommonJS under module node16 (index.d.cts; vitest's own CJS types are ESM-only, TS1479)
// and ESM. Needs `pnpm build` first (turbo runs it before test).

const require = createRequire(import.meta.url);
const packageDir = fileURLToPath(new URL('..', import.meta.url));
const tsc = require.resolve('typescript/bin/tsc');
const dirs: string[] = [];
afterAll(() => dirs.forEach((dir) => rmSync(dir, { recursive: true, force: true })));

// The CommonJS consumer does not import vitest itself: vitest's own CJS types fail there (its problem,
// not ours); what must compile is this package's types, which must not drag vitest's ESM types in.
const CONSUMER = (type: 'commonjs' | 'module') => `import { runTokenStoreConformance, conformanceTestIds, type ConformanceOptions, type VitestApi } from '@tokenstore/conformance';
import { MemoryStore } from '@tokenstore/core';
${type === 'module' ? "import * as vitest from 'vitest';\n" : ''}
const options: ConformanceOptions = { name: 'MemoryStore', createStore: async () => new MemoryStore(), leaseGranularityMs: 0 };
export const ids: readonly string[] = conformanceTestIds;
export const register = (api: VitestApi) => runTokenStoreConformance(api, options);
${type === 'module' ? 'export const registerHere = () => register(vitest);\n' : ''}`;

function project(type: 'commonjs' | 'module'): string {
  const dir = mkdtempSync(join(tmpdir(), `conformance-consumer-${type}-`));
  dirs.push(dir);
  mkdirSync(join(dir, 'node_modules', '@tokenstore'), { recursive: true });
  mkdirSync(join(dir, 'node_modules', '@types'), { recursive: true });
  symlinkSync(packageDir, join(dir, 'node_modules', '@tokenstore', 'conformance'));
  symlinkSync(dirname(require.resolve('@tokenstore/core/package.json')), join(dir, 'node_modules', '@tokenstore', 'core'));
  symlinkSync(dirname(require.resolve('vitest/package.json')), join(dir, 'node_modules', 'vitest'));
  symlinkSync(dirname(require.resolve('@types/node/package.json')), join(dir, 'node_modules', '@types', 'node'));
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: `consumer-${type}`, private: true, type }));
  writeFileSync(
    join(dir, 'tsconfig.json'),
    JSON.stringify({ compilerOptions: { module: 'node16', moduleResolution: 'node16', target: 'es2022', strict: true, noEmit: true, skipLibCheck: false, types: ['node'] }, files: ['consumer.ts'] }),
  );
  writeFileSync(join(dir, 'consumer.ts'), CONSUMER(type));
  return dir;
}

function typecheck(dir: string): Promise<{ code: number; output: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [tsc, '-p', dir], { cwd: dir }, (error, stdout, stderr) => resolve({ code: error ? ((error as { code?: number }).code ?? 1) : 0, output: `${stdout}${stderr}` }));
  });
}

describe.concurrent('a TypeScript consumer project type-checks against the built package', () => {
  for (const type of ['commonjs', 'module'] as const) {
    it(`"type": "${type}", module node16, skipLibCheck off`, async () => {
      const { code, output } = await typecheck(project(type));
      expect(output).toBe('');
      expect(code).toBe(0);
    });
  }
});
