import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { isAbsolute, join } from 'node:path';

const ENV = 'TOKENSTORE_BENCH_DIR';

/** The run's scratch directory (inherited by child processes through the environment). */
export function benchDir(): string {
  let dir = process.env[ENV];
  if (!dir) {
    dir = mkdtempSync(join(tmpdir(), 'tokenstore-bench-'));
    process.env[ENV] = dir;
  }
  mkdirSync(dir, { recursive: true });
  return dir;
}

export const benchPath = (name: string): string => (isAbsolute(name) ? name : join(benchDir(), name));

export function removeBenchDir(): void {
  const dir = process.env[ENV];
  if (dir) rmSync(dir, { recursive: true, force: true });
}
