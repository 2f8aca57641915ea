import { createHash } from 'node:crypto';
import { readFileSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { emptyRecord } from '@tokenstore/core/store-kit';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { digestOf, readSnapshot, type Snapshot } from '../src/file-snapshot.js';
import { serialize } from '../src/token-file.js';
import { tempDir } from './helpers.js';

// Within the racy window a read re-reads the file and compares it with the cached version by SHA-256:
// the snapshot keeps the digest, never the file's bytes.

let dir: string;
let cleanup: () => void;
let path: string;
beforeEach(() => {
  ({ dir, cleanup } = tempDir());
  path = join(dir, 'tokens.json');
});
afterEach(() => cleanup());

const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');
// Non-ASCII on purpose: the digest of the text the store writes must be the digest of its UTF-8 bytes.
const text = (accessToken: string) => serialize([{ ...emptyRecord(), id: 'a', userName: 'üser 🔑', accessToken }]);

describe('file snapshots', () => {
  it('keep the SHA-256 of the bytes read, and no copy of the bytes', async () => {
    writeFileSync(path, text('one'));
    const snapshot = await readSnapshot(path, null);
    expect(snapshot.digest).toBe(sha256(readFileSync(path)));
    expect(Object.values(snapshot).some((value) => Buffer.isBuffer(value) || value instanceof Uint8Array)).toBe(false);
    expect(snapshot.index.findBy('id', 'a')[0]?.accessToken).toBe('one');
  });

  it('digest the text the store writes as the bytes it becomes on disk', () => {
    writeFileSync(path, text('one'), 'utf8');
    expect(digestOf(text('one'))).toBe(sha256(readFileSync(path)));
    expect(digestOf(readFileSync(path))).toBe(digestOf(text('one')));
  });

  it('an unchanged file read again keeps the parsed version; a changed one is parsed again', async () => {
    writeFileSync(path, text('one'));
    const first = await readSnapshot(path, null);
    const again = await readSnapshot(path, first);
    expect(again.index).toBe(first.index);
    expect(again.verifiedAt).toBeGreaterThanOrEqual(first.verifiedAt);
    // Same size, mtime set back: only the content tells them apart.
    const { atime, mtime } = statSync(path);
    writeFileSync(path, text('two'));
    utimesSync(path, atime, mtime);
    const changed = await readSnapshot(path, again);
    expect(changed.index).not.toBe(first.index);
    expect(changed.digest).not.toBe(first.digest);
    expect(changed.index.findBy('id', 'a')[0]?.accessToken).toBe('two');
  });

  it('a corrupt file read again keeps its error until its content changes', async () => {
    writeFileSync(path, 'oops');
    const corrupt = await readSnapshot(path, null);
    expect(corrupt.error?.code).toBe('STORE_CORRUPT');
    expect(await readSnapshot(path, corrupt)).toMatchObject({ error: corrupt.error, digest: corrupt.digest });
    writeFileSync(path, text('one'));
    expect((await readSnapshot(path, corrupt)).error).toBeNull();
  });

  it('a read without digest (a writer under the lock) is never taken for the cached version', async () => {
    writeFileSync(path, text('one'));
    const uncached: Snapshot = await readSnapshot(path, null, { digest: false });
    expect(uncached.digest).toBeNull();
    expect(uncached.index.findBy('id', 'a')).toHaveLength(1);
    expect((await readSnapshot(path, uncached)).index).not.toBe(uncached.index);
    const cached = await readSnapshot(path, null);
    expect((await readSnapshot(path, cached, { digest: false })).index).not.toBe(cached.index);
  });

  it('a missing file has no digest', async () => {
    expect(await readSnapshot(path, null)).toMatchObject({ identity: 'missing', digest: null, error: null });
  });
});
