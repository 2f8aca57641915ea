import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import { OAuthToken } from '@tokenstore/core';
import { assertDistFresh } from '@tokenstore/store-testkit';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { FileStore } from '../src/index.js';
import { FILE_STORE, tempDir } from './helpers.js';

// A worker thread terminated (worker.terminate()) while it holds the lock leaves the lock file
// behind. Its process lives on, so the pid says nothing; the thread is provably gone (Linux: its
// task left /proc), and the next writer breaks the lock at once instead of waiting staleLockMs.

const DIST = pathToFileURL(fileURLToPath(new URL('../dist/index.js', import.meta.url))).href;
let dir: string;
let cleanup: () => void;
beforeAll(() => assertDistFresh(FILE_STORE.packageDir, FILE_STORE.packageName));
beforeEach(() => ({ dir, cleanup } = tempDir()));
afterEach(() => cleanup());

const lockThread = (file: string): number | undefined => {
  try {
    return (JSON.parse(readFileSync(`${file}.lock`, 'utf8')) as { thread?: number }).thread;
  } catch {
    return undefined;
  }
};

describe.runIf(existsSync('/proc/thread-self'))('a worker thread terminated while holding the lock', () => {
  it('leaves a lock that the next writer breaks at once (the thread is gone), not after staleLockMs', async () => {
    const file = join(dir, 'tokens.json');
    const code = `
      const { FileStore } = await import(${JSON.stringify(DIST)});
      const { OAuthToken } = await import('@tokenstore/core');
      const store = new FileStore({ path: ${JSON.stringify(file)} });
      for (let i = 0; ; i++) await store.saveToken(new OAuthToken({ userSignature: { name: 'w' + i }, accessToken: 'x' }));
    `;
    let caught = false;
    for (let attempt = 0; attempt < 50 && !caught; attempt++) {
      const worker = new Worker(code, { eval: true, type: 'module' } as never);
      const id = worker.threadId;
      while (lockThread(file) !== id) await new Promise((r) => setTimeout(r, 0));
      await worker.terminate();
      caught = lockThread(file) === id; // terminated while holding it (not between two saves)
    }
    expect(caught).toBe(true);
    const store = new FileStore({ path: file, staleLockMs: 60_000, lockTimeoutMs: 2_000 });
    const started = Date.now();
    await store.saveToken(new OAuthToken({ userSignature: { name: 'after' }, accessToken: 'a' }));
    expect(Date.now() - started).toBeLessThan(2_000);
    expect(existsSync(`${file}.lock`)).toBe(false);
    await store.close();
  }, 60_000);
});
