import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

/**
 * Runs the built `tokenstore-conformance` bin in `cwd`, as a third party's CI does, and returns its exit
 * code and output. The child vitest gets the environment without what this vitest set (VITEST*,
 * NODE_ENV), so it behaves like a fresh run.
 */
export function runConformanceCli(cwd: string, args: string[]): Promise<{ code: number | null; output: string }> {
  const bin = join(dirname(createRequire(import.meta.url).resolve('@tokenstore/conformance/package.json')), 'dist', 'cli.js');
  const env: NodeJS.ProcessEnv = { NO_COLOR: '1', FORCE_COLOR: '0' };
  for (const [k, v] of Object.entries(process.env)) if (!k.startsWith('VITEST') && k !== 'TEST' && k !== 'NODE_ENV' && !(k in env)) env[k] = v;
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [bin, ...args], { cwd, env });
    let output = '';
    child.stdout.on('data', (d) => (output += d));
    child.stderr.on('data', (d) => (output += d));
    child.on('close', (code) => resolve({ code, output }));
  });
}
