import { createHash } from 'node:crypto';
import { statSync, type BigIntStats } from 'node:fs';
import { assertRegularFile, openRegularFile } from './file-kind.js';
import { parse } from './token-file.js';
import { RecordIndex, TokenStoreError } from '@tokenstore/core/store-kit';

/**
 * How close to a file's mtime a check must be for the mtime to prove nothing: on filesystems with
 * coarse timestamps (1 s on some, 2 s on FAT) a second write within the same tick keeps the mtime.
 */
export const RACY_WINDOW_MS = 2_500;

/**
 * What identifies one version of the file: a write replaces the inode and moves size/mtime/ctime.
 * Kept as the stat's numbers, not a string of them: a find compares one on every call, and turning
 * five BigInts into text cost as much as the stat itself.
 */
export interface FileIdentity {
  readonly dev: bigint;
  readonly ino: bigint;
  readonly size: bigint;
  readonly mtimeNs: bigint;
  readonly ctimeNs: bigint;
}

/**
 * SHA-256 of a version's bytes (hex). The snapshot keeps this rather than the bytes themselves (as
 * large as the file, ~600 bytes per token) to tell, within the racy window, whether a re-read file is
 * the version already parsed.
 */
export type ContentDigest = string;

/** The digest of the file's bytes; a string is hashed as its UTF-8 bytes (what writeFileAtomic writes). */
export function digestOf(content: Buffer | string): ContentDigest {
  return createHash('sha256').update(content).digest('hex');
}

/** One loaded version of the file: its identity, content digest and parsed records (or why it is corrupt). */
export interface Snapshot {
  readonly identity: FileIdentity | 'missing';
  /** Null for 'missing', and for a snapshot read not to be cached (it is never compared). */
  readonly digest: ContentDigest | null;
  readonly index: RecordIndex;
  readonly error: TokenStoreError | null;
  readonly mtimeMs: number;
  /** When the content was last read and compared (taken before the read started). */
  verifiedAt: number;
}

export function identityOf(info: BigIntStats): FileIdentity {
  return { dev: info.dev, ino: info.ino, size: info.size, mtimeNs: info.mtimeNs, ctimeNs: info.ctimeNs };
}

/** The same version of the file (or both missing). */
export function sameIdentity(a: FileIdentity | 'missing', b: FileIdentity | 'missing'): boolean {
  if (a === 'missing' || b === 'missing') return a === b;
  return a.ino === b.ino && a.mtimeNs === b.mtimeNs && a.size === b.size && a.ctimeNs === b.ctimeNs && a.dev === b.dev;
}

/** Cheap check (one stat): the identity of the file now, or 'missing'. */
export function currentIdentity(path: string): FileIdentity | 'missing' {
  const info = statSync(path, { bigint: true, throwIfNoEntry: false });
  assertRegularFile(path, info);
  return info === undefined ? 'missing' : identityOf(info);
}

/**
 * A snapshot can be trusted on a stat alone once it was verified by content after its mtime's tick
 * had passed: any later write then necessarily shows a different mtime (the "racy git" rule).
 */
export function trustedByStat(snapshot: Snapshot): boolean {
  return snapshot.identity === 'missing' || snapshot.verifiedAt > snapshot.mtimeMs + RACY_WINDOW_MS;
}

export const MISSING: () => Snapshot = () => ({ identity: 'missing', digest: null, index: new RecordIndex('FileStore'), error: null, mtimeMs: 0, verifiedAt: 0 });

/**
 * Reads the file through one descriptor, so the identity and the bytes describe the same inode even
 * if a writer renames a new version into place meanwhile. `previous` lets an unchanged file skip the
 * parse (the digests of the bytes are compared instead). `digest: false` skips hashing for a read
 * whose snapshot will not be cached (a writer's read under the lock).
 */
export async function readSnapshot(path: string, previous: Snapshot | null, options: { digest?: boolean } = {}): Promise<Snapshot> {
  const startedAt = Date.now();
  let handle;
  try {
    // Never a blocking open: a path swapped for a FIFO since the last stat is refused, not waited on.
    handle = await openRegularFile(path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return MISSING();
    throw error;
  }
  try {
    const info = await handle.stat({ bigint: true });
    const bytes = await handle.readFile();
    const identity = identityOf(info);
    const mtimeMs = Number(info.mtimeNs / 1_000_000n);
    const digest = options.digest === false ? null : digestOf(bytes);
    if (digest !== null && previous !== null && previous.digest === digest) {
      return { ...previous, identity, mtimeMs, verifiedAt: startedAt };
    }
    return fromBytes(path, bytes, digest, identity, mtimeMs, startedAt);
  } finally {
    await handle.close();
  }
}

/** Parses one version of the file; `digest` is `digestOf(bytes)` (or null), the bytes are not kept. */
export function fromBytes(path: string, bytes: Buffer, digest: ContentDigest | null, identity: FileIdentity, mtimeMs: number, verifiedAt: number): Snapshot {
  try {
    let text: string;
    try {
      // fatal: bytes that are not UTF-8 are damage, not something to paper over with U+FFFD.
      text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
    } catch (error) {
      throw new TokenStoreError('STORE_CORRUPT', `FileStore: ${path} is not a valid token file (not UTF-8 text); it was left untouched`, { cause: error });
    }
    const records = parse(text, path);
    return { identity, digest, index: new RecordIndex('FileStore', records), error: null, mtimeMs, verifiedAt };
  } catch (error) {
    return { identity, digest, index: new RecordIndex('FileStore'), error: error as TokenStoreError, mtimeMs, verifiedAt };
  }
}
