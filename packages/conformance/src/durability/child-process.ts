// The durability suite's children: node processes whose stdout is read line by line. Also published as
// `@tokenstore/conformance/child-process` for tests that run children of their own (a store's
// keep-alive or encryption tests).
import { spawn, type ChildProcess } from 'node:child_process';

export interface Child {
  child: ChildProcess;
  /** Complete lines printed so far. */
  lines: string[];
  /** Resolves with the first line matching `predicate`. */
  waitFor(predicate: (line: string) => boolean, timeoutMs?: number): Promise<string>;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  stderr(): string;
}

/** Runs `node <script> ...args`, collecting its stdout by line; `label` names it in errors. */
export function startChild(script: string, args: string[], label = args.join(' ')): Child {
  const child = spawn(process.execPath, [script, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
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
        const timer = setTimeout(() => reject(new Error(`worker ${label} printed nothing matching in ${timeoutMs} ms; stderr: ${err}`)), timeoutMs);
        waiters.push({ predicate, resolve: (line) => (clearTimeout(timer), resolve(line)) });
        void exited.then(({ code, signal }) => {
          clearTimeout(timer);
          if (!lines.some(predicate)) reject(new Error(`worker ${label} exited (${code ?? signal}) before printing the expected line; stderr: ${err}`));
        });
      });
    },
  };
}

/** Runs a child to completion and returns its output lines; rejects on a non-zero exit. */
export async function runChild(script: string, args: string[], label = args.join(' ')): Promise<string[]> {
  const child = startChild(script, args, label);
  const { code, signal } = await child.exited;
  if (code !== 0) throw new Error(`worker ${label} failed (${code ?? signal}): ${child.stderr()}`);
  return child.lines;
}
