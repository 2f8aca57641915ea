import { randomBytes } from 'node:crypto';
import { mkdir, open, rename, unlink } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';

/** Created files are readable by their owner only: they hold secrets. */
export const FILE_MODE = 0o600;
/** Directories FileStore creates (the file's parents, the lease directory). */
export const DIR_MODE = 0o700;

/** The temp-file name prefix for `path`: hidden, in the same directory, so `rename` stays atomic. */
export function tempPrefix(path: string): string {
  return `.${basename(path)}.`;
}

export const TEMP_SUFFIX = '.tmp';

/** `.<name>.<pid>.<random>.tmp`; the pid lets a later writer tell a crashed writer's leftover. */
export function tempPath(path: string): string {
  return join(dirname(path), `${tempPrefix(path)}${process.pid}.${randomBytes(6).toString('hex')}${TEMP_SUFFIX}`);
}

/** Creates the file's directory (and missing parents) with mode 0700. */
export async function ensureDir(path: string): Promise<void> {
  await mkdir(dirname(path), { recursive: true, mode: DIR_MODE });
}

/**
 * Replaces `path` with `data` atomically and durably: a reader (or a crash) sees either the old
 * content or the new, never a mix. Temp file in the same directory -> write -> fsync -> rename over
 * the target -> fsync the directory (so the rename itself is on disk before we report success).
 * `beforeRename` runs right before the rename; if it throws, nothing is replaced and the temp file
 * is removed.
 */
export async function writeFileAtomic(path: string, data: string, options: { durable?: boolean; beforeRename?: () => Promise<void> } = {}): Promise<void> {
  const durable = options.durable ?? true;
  const temp = tempPath(path);
  let renamed = false;
  try {
    const handle = await open(temp, 'wx', FILE_MODE);
    try {
      await handle.writeFile(data, 'utf8');
      if (durable) await handle.sync();
    } finally {
      await handle.close();
    }
    // The fence: the last check that this writer may still replace the file (throws if not).
    await options.beforeRename?.();
    await rename(temp, path);
    renamed = true;
    if (durable) await fsyncDir(dirname(path));
  } finally {
    if (!renamed) await unlink(temp).catch(() => undefined);
  }
}

/** fsync on a directory makes renames and unlinks in it durable. Not possible on Windows: skipped there. */
export async function fsyncDir(dir: string): Promise<void> {
  if (process.platform === 'win32') return;
  const handle = await open(dir, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}
