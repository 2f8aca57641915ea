import { lstat, readlink, realpath } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { TokenStoreError } from '@tokenstore/core';

/** Like the kernel's limit (40): a longer chain of links is a loop. */
const MAX_LINKS = 40;

/**
 * The file that `path` names once every symbolic link is followed: the file FileStore must replace,
 * so that a link stays a link and its target receives the writes. Unlike `realpath`, a missing final
 * file (or a dangling link) is fine: the result is where it will be created, just as a shell's
 * `> link` would create the target. Missing directories are kept as named (they get created).
 */
export async function resolveTarget(path: string): Promise<string> {
  let current = path;
  for (let hops = 0; hops <= MAX_LINKS; hops++) {
    const dir = await resolveDir(dirname(current), hops);
    const candidate = join(dir, basename(current));
    let isLink: boolean;
    try {
      isLink = (await lstat(candidate)).isSymbolicLink();
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT' || (error as NodeJS.ErrnoException).code === 'ENOTDIR') return candidate;
      throw error;
    }
    if (!isLink) return candidate;
    // A relative link is relative to the directory holding the link.
    current = resolve(dir, await readlink(candidate));
  }
  throw tooManyLinks(path);
}

async function resolveDir(dir: string, hops: number): Promise<string> {
  try {
    return await realpath(dir);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ELOOP') throw tooManyLinks(dir);
    if (code !== 'ENOENT' && code !== 'ENOTDIR') throw error;
    // Not there yet (or a dangling link to a directory): resolve what exists of it.
    if (dir === dirname(dir) || hops > MAX_LINKS) return dir;
    return resolveTarget(dir);
  }
}

function tooManyLinks(path: string): TokenStoreError {
  return new TokenStoreError('INVALID_ARGUMENT', `FileStore: ${path} is a loop of symbolic links (or a chain longer than ${MAX_LINKS})`);
}
