import { constants, type Stats } from 'node:fs';
import { open, type FileHandle } from 'node:fs/promises';
import { TokenStoreError } from '@tokenstore/core/store-kit';

/** The kind tests of a stat, plain or bigint. */
type FileKindStats = Pick<Stats, 'isFile' | 'isFIFO' | 'isSocket' | 'isCharacterDevice' | 'isBlockDevice' | 'isDirectory'>;

/**
 * What a path is when it is not a regular file, in words for a finding ("a FIFO (named pipe)"), or
 * undefined for a regular file. Why it matters: opening a FIFO for reading blocks until a writer
 * appears, and a device or socket is never a token file, so such a path must not be opened at all.
 */
export function nonRegularKind(info: FileKindStats): string | undefined {
  if (info.isFile()) return undefined;
  if (info.isFIFO()) return 'a FIFO (named pipe)';
  if (info.isSocket()) return 'a socket';
  if (info.isCharacterDevice()) return 'a character device';
  if (info.isBlockDevice()) return 'a block device';
  if (info.isDirectory()) return 'a directory';
  return 'not a regular file';
}

/**
 * INVALID_ARGUMENT when `info` (of the file at `path`, `what` it is to the store) is not a regular
 * file: every operation fails at once instead of blocking on a FIFO, reading a device without end, or
 * writing over either.
 */
export function assertRegularFile(path: string, info: FileKindStats | undefined, what = 'token file'): void {
  const kind = info === undefined ? undefined : nonRegularKind(info);
  if (kind !== undefined) {
    throw new TokenStoreError('INVALID_ARGUMENT', `FileStore: ${path} (${what}) is ${kind}, not a regular file: FileStore keeps its files only in regular files`);
  }
}

/**
 * `path` opened for reading in a way that cannot block (O_NONBLOCK: a FIFO would otherwise hold the
 * open until a writer appears), after checking on the descriptor that it is a regular file (see
 * assertRegularFile; the handle is closed then). ENOENT is thrown as is.
 */
export async function openRegularFile(path: string, what = 'token file'): Promise<FileHandle> {
  const handle = await open(path, constants.O_RDONLY | constants.O_NONBLOCK);
  try {
    assertRegularFile(path, await handle.stat(), what);
    return handle;
  } catch (error) {
    await handle.close();
    throw error;
  }
}
