import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

export interface JsonAssertion {
  ancestorTitles: string[];
  title: string;
  status: 'passed' | 'failed' | 'skipped' | 'pending' | 'todo' | 'disabled';
  failureMessages: string[];
}

export interface ChildRun {
  code: number | null;
  output: string;
  assertions: JsonAssertion[];
}

/** The environment minus what the parent vitest set, so the child behaves like a fresh run. */
export function childEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) if (!k.startsWith('VITEST') && k !== 'TEST' && k !== 'NODE_ENV') env[k] = v;
  return env;
}

/** Runs `vitest run --config <config>` in a child process and returns its JSON report. */
export async function runChildVitest(cwd: string, config: string): Promise<ChildRun> {
  const require = createRequire(import.meta.url);
  const vitestBin = join(dirname(require.resolve('vitest/package.json')), 'vitest.mjs');
  const dir = mkdtempSync(join(tmpdir(), 'conformance-child-'));
  const report = join(dir, 'report.json');
  try {
    const child = spawn(process.execPath, [vitestBin, 'run', '--config', config, '--reporter=json', `--outputFile=${report}`], { cwd, env: childEnv() });
    let output = '';
    child.stdout.on('data', (d) => (output += d));
    child.stderr.on('data', (d) => (output += d));
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    let parsed: { testResults?: { assertionResults: JsonAssertion[] }[] };
    try {
      parsed = JSON.parse(readFileSync(report, 'utf8'));
    } catch {
      throw new Error(`the child vitest wrote no JSON report (exit ${code}):\n${output.slice(-4000)}`);
    }
    return { code, output, assertions: (parsed.testResults ?? []).flatMap((f) => f.assertionResults) };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The conformance test id in a title such as "[save.upsert.concurrent-new-user] ...". */
export function testIdOf(title: string): string | undefined {
  return /^\[([a-z0-9.-]+)\]/.exec(title)?.[1];
}
