import { chmodSync, realpathSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { OAuthToken } from '@tokenstore/core';
import { tempDir } from '@tokenstore/store-testkit';
import { afterAll, describe, expect, it } from 'vitest';
import { FileStore } from '../src/index.js';
import { FORMAT_VERSION } from '../src/token-file.js';

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
    const written = await store.diagnose();
    expect(written.files).toEqual([{ path: real, exists: true, mode: 0o600, ownerUid: process.getuid?.(), directoryMode: expect.any(Number) }]);
    expect(written.schemaVersion).toEqual({ found: FORMAT_VERSION, expected: FORMAT_VERSION });
    chmodSync(real, 0o640);
    expect((await store.diagnose()).files?.[0]?.mode).toBe(0o640);
    writeFileSync(real, '{"format":"tokenstore-file","version":7,"tokens":[]}');
    expect((await store.diagnose()).schemaVersion).toEqual({ found: 7, expected: FORMAT_VERSION });
    writeFileSync(real, 'not json');
    const corrupt = await store.diagnose();
    expect(corrupt.schemaVersion).toBeUndefined();
    expect(corrupt.notes?.join(' ')).toContain('is not a token file');
    await store.close();
  });
});
