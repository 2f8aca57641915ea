import { execFileSync } from 'node:child_process';
import { closeSync, constants, mkdirSync, openSync, symlinkSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { join } from 'node:path';
import { tempDir } from '@tokenstore/store-testkit';
import { afterAll, describe, expect, it } from 'vitest';
import { FileStore } from '../src/index.js';

// diagnose() must never open what is not a regular file: opening a FIFO for reading blocks until a
// writer appears (doctor would hang for ever), a device or socket is not a token file either. Each is
// reported as a finding instead.

const HANG_LIMIT_MS = 2000;

/** diagnose(), or a failure after HANG_LIMIT_MS; a read blocked on `fifo` is released by opening it for writing. */
async function diagnoseWithin(store: FileStore, fifo?: string) {
  let timer: NodeJS.Timeout | undefined;
  const hung = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      if (fifo) closeSync(openSync(fifo, constants.O_WRONLY | constants.O_NONBLOCK));
      reject(new Error(`diagnose() did not answer within ${HANG_LIMIT_MS} ms`));
    }, HANG_LIMIT_MS);
  });
  try {
    return await Promise.race([store.diagnose(), hung]);
  } finally {
    clearTimeout(timer);
  }
}

describe('FileStore.diagnose on a path that is not a regular file', () => {
  const { dir, cleanup } = tempDir('tokenstore-file-diag-special-');
  let server: Server | undefined;
  afterAll(async () => {
    await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
    cleanup();
  });

  it('a FIFO: answers at once with a finding, without opening it', async () => {
    const fifo = join(dir, 'tokens.fifo');
    execFileSync('mkfifo', [fifo]);
    const store = new FileStore({ path: fifo });
    const report = await diagnoseWithin(store, fifo);
    expect(report.notes?.join('\n')).toMatch(/tokens\.fifo is a FIFO \(named pipe\), not a regular file/);
    expect(report.schemaVersion).toBeUndefined();
    await store.close();
  });

  it('a socket, a character device behind a link, a directory: each a finding, none opened', async () => {
    const socket = join(dir, 'tokens.sock');
    server = createServer();
    await new Promise<void>((resolve) => server!.listen(socket, resolve));
    const device = join(dir, 'device.json');
    symlinkSync('/dev/null', device);
    const directory = join(dir, 'directory.json');
    mkdirSync(directory);
    for (const [path, kind] of [[socket, 'a socket'], [device, 'a character device'], [directory, 'a directory']] as const) {
      const store = new FileStore({ path });
      const report = await diagnoseWithin(store);
      expect(report.notes?.join('\n'), path).toContain(`is ${kind}, not a regular file`);
      expect(report.schemaVersion, path).toBeUndefined();
      await store.close();
    }
  });
});
