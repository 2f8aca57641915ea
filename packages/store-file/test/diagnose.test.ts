import { chmodSync, realpathSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { OAuthToken } from '@tokenstore/core';
import { tempDir } from '@tokenstore/store-testkit';
import { afterAll, describe, expect, it } from 'vitest';
import { FileStore } from '../src/index.js';

describe('FileStore.diagnose', () => {
  const { dir, cleanup } = tempDir('tokenstore-file-diag-');
  afterAll(cleanup);

  it('reports the token file behind a link: absent first, then its mode, owner and directory mode', async () => {
    const real = join(realpathSync(dir), 'tokens.json');
    const link = join(dir, 'link.json');
    symlinkSync(real, link);
    const store = new FileStore({ path: link });
    expect(await store.diagnose()).toEqual({ store: 'FileStore', unindexedLookups: [], files: [{ path: real, exists: false, directoryMode: expect.any(Number) }] });
    await store.saveToken(new OAuthToken({ userSignature: { name: 'u' }, accessToken: 'a' }));
    expect((await store.diagnose()).files).toEqual([{ path: real, exists: true, mode: 0o600, ownerUid: process.getuid?.(), directoryMode: expect.any(Number) }]);
    chmodSync(real, 0o640);
    expect((await store.diagnose()).files?.[0]?.mode).toBe(0o640);
    await store.close();
  });
});
