import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
export const WORKER = join(here, 'fixtures', 'worker.mjs');

/** A fresh temp directory, removed by the returned cleanup. */
export function tempDir(prefix = 'tokenstore-file-'): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/**
 * Child processes run the built package. Fail loudly, rather than test old code, when dist is
 * missing or older than a source file.
 */
export function assertDistFresh(): void {
  const dist = join(here, '..', 'dist', 'index.js');
  if (!existsSync(dist)) throw new Error('dist/index.js is missing: run `pnpm turbo run build --filter @tokenstore/store-file...` first');
  const built = statSync(dist).mtimeMs;
  const src = join(here, '..', 'src');
  for (const name of readdirSync(src)) {
    if (statSync(join(src, name)).mtimeMs > built) throw new Error(`dist is older than src/${name}: rebuild before running the multi-process tests`);
  }
}

export interface Worker {
  child: ChildProcess;
  /** Complete lines printed so far. */
  lines: string[];
  /** Resolves with the first line matching `predicate`. */
  waitFor(predicate: (line: string) => boolean, timeoutMs?: number): Promise<string>;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  stderr(): string;
}

export function startWorker(args: string[]): Worker {
  const child = spawn(process.execPath, [WORKER, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  const lines: string[] = [];
  const waiters: { predicate: (line: string) => boolean; resolve: (line: string) => void }[] = [];
  let partial = '';
  let err = '';
  child.stdout!.setEncoding('utf8').on('data', (chunk: string) => {
    partial += chunk;
    let newline: number;
    while ((newline = partial.indexOf('\n')) >= 0) {
      const line = partial.slice(0, newline);
      partial = partial.slice(newline + 1);
      lines.push(line);
      for (const w of [...waiters]) {
        if (w.predicate(line)) {
          waiters.splice(waiters.indexOf(w), 1);
          w.resolve(line);
        }
      }
    }
  });
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => {
    err += chunk;
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    child.on('close', (code, signal) => resolve({ code, signal }));
  });
  return {
    child,
    lines,
    exited,
    stderr: () => err,
    waitFor(predicate, timeoutMs = 20_000) {
      const found = lines.find(predicate);
      if (found !== undefined) return Promise.resolve(found);
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`worker ${args.join(' ')} printed nothing matching in ${timeoutMs} ms; stderr: ${err}`)), timeoutMs);
        waiters.push({ predicate, resolve: (line) => (clearTimeout(timer), resolve(line)) });
        void exited.then(({ code, signal }) => {
          clearTimeout(timer);
          if (!lines.some(predicate)) reject(new Error(`worker ${args.join(' ')} exited (${code ?? signal}) before printing the expected line; stderr: ${err}`));
        });
      });
    },
  };
}

/** Runs a worker to completion and returns its output lines; rejects on a non-zero exit. */
export async function runWorker(args: string[]): Promise<string[]> {
  const worker = startWorker(args);
  const { code, signal } = await worker.exited;
  if (code !== 0) throw new Error(`worker ${args.join(' ')} failed (${code ?? signal}): ${worker.stderr()}`);
  return worker.lines;
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
