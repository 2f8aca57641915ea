import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { closeSync, constants, existsSync, mkdirSync, openSync } from 'node:fs';
import { join } from 'node:path';
import { OAuthToken } from '@tokenstore/core';
import { tempDir } from '@tokenstore/store-testkit';
import { afterAll, describe, expect, it } from 'vitest';
import { FileStore } from '../src/index.js';

// A token path that is not a regular file must fail every operation at once with INVALID_ARGUMENT:
// opening a FIFO for reading blocks until a writer appears (every call would hang, a pending call
// for ever), a character device such as /dev/zero never ends, a directory is not a token file. The
// file is never opened in a way that can block, and nothing is written over it.

const HANG_LIMIT_MS = 2000;

/** `call()`, or a failure after HANG_LIMIT_MS; a read blocked on `fifo` is released by opening it for writing. */
async function within<T>(call: () => Promise<T>, fifo?: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const hung = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      if (fifo) closeSync(openSync(fifo, constants.O_WRONLY | constants.O_NONBLOCK));
      reject(new Error(`no answer within ${HANG_LIMIT_MS} ms`));
    }, HANG_LIMIT_MS);
  });
  try {
    return await Promise.race([call(), hung]);
  } finally {
    clearTimeout(timer);
  }
}

const token = () => new OAuthToken({ userSignature: { name: 'alice@example.com' }, clientId: 'c', refreshToken: 'refresh-secret-1', accessToken: 'access-secret-1' });

describe('FileStore on a path that is not a regular file', () => {
  const { dir, cleanup } = tempDir('tokenstore-file-special-');
  afterAll(cleanup);

  it('a FIFO: reads and saves reject with INVALID_ARGUMENT at once, and the FIFO is left as it was', async () => {
    const fifo = join(dir, 'tokens.fifo');
    execFileSync('mkfifo', [fifo]);
    const store = new FileStore({ path: fifo });
    try {
      await expect(within(() => store.findToken(token()), fifo)).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
      await expect(within(() => store.getTokens(), fifo)).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
      await expect(within(() => store.saveToken(token()), fifo)).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
      await expect(within(() => store.findTokenById('x'), fifo)).rejects.toMatchObject({ code: 'INVALID_ARGUMENT', message: expect.stringMatching(/FIFO/) });
      expect(execFileSync('stat', ['-c', '%F', fifo], { encoding: 'utf8' }).trim()).toBe('fifo');
    } finally {
      await store.close();
    }
  });

  it('a directory: INVALID_ARGUMENT for reads and saves, and no lock file is made next to it', async () => {
    const directory = join(dir, 'a-directory');
    mkdirSync(directory);
    const store = new FileStore({ path: directory });
    try {
      await expect(within(() => store.findToken(token()))).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
      await expect(within(() => store.saveToken(token()))).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
      expect(existsSync(`${directory}.lock`)).toBe(false);
    } finally {
      await store.close();
    }
  });

  it('a FIFO where the lock file goes: a save fails at once instead of waiting on it for ever', async () => {
    const file = join(dir, 'locked-by-a-fifo.json');
    execFileSync('mkfifo', [`${file}.lock`]);
    const store = new FileStore({ path: file });
    try {
      await expect(within(() => store.saveToken(token()), `${file}.lock`)).rejects.toMatchObject({ code: 'INVALID_ARGUMENT', message: expect.stringMatching(/FIFO/) });
    } finally {
      await store.close();
    }
  });

  it('a FIFO where a lease file goes: the lease is taken at once (the FIFO counts as no lease and is replaced)', async () => {
    const file = join(dir, 'leased.json');
    const store = new FileStore({ path: file });
    try {
      await store.saveToken(token()); // the token file and its directories exist
      const key = 'tokenstore:refresh:some-key';
      const leaseFile = join(`${file}.leases`, `${createHash('sha256').update(key, 'utf8').digest('hex')}.json`);
      mkdirSync(`${file}.leases`, { recursive: true });
      execFileSync('mkfifo', [leaseFile]);
      expect(await within(() => store.lock!.acquire(key, 'owner-a', 60_000), leaseFile)).toBe(true);
      expect(await within(() => store.lock!.acquire(key, 'owner-b', 60_000), leaseFile)).toBe(false);
    } finally {
      await store.close();
    }
  });

  it('a character device that never ends (/dev/zero): reads reject with INVALID_ARGUMENT at once (only read: a save is refused before any lock file is made, shown above)', async () => {
    const store = new FileStore({ path: '/dev/zero' });
    try {
      await expect(within(() => store.findToken(token()))).rejects.toMatchObject({ code: 'INVALID_ARGUMENT', message: expect.stringMatching(/character device/) });
      await expect(within(() => store.getTokens())).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
    } finally {
      await store.close();
    }
  });
});
