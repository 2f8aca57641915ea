import type { Stats } from 'node:fs';

/**
 * What a path is when it is not a regular file, in words for a finding ("a FIFO (named pipe)"), or
 * undefined for a regular file. Why it matters: opening a FIFO for reading blocks until a writer
 * appears, and a device or socket is never a token file, so such a path must not be opened at all.
 */
export function nonRegularKind(info: Stats): string | undefined {
  if (info.isFile()) return undefined;
  if (info.isFIFO()) return 'a FIFO (named pipe)';
  if (info.isSocket()) return 'a socket';
  if (info.isCharacterDevice()) return 'a character device';
  if (info.isBlockDevice()) return 'a block device';
  if (info.isDirectory()) return 'a directory';
  return 'not a regular file';
}
