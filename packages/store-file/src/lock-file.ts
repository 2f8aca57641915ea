import { link, open, rename, stat, unlink, type FileHandle } from 'node:fs/promises';
import { TokenStoreError } from '@tokenstore/core';
import { FILE_MODE, tempPath } from './atomic-write.js';
import { openRegularFile } from './file-kind.js';
import { heldHere, isStale, newHolder, parseHolder, type Seen } from './lock-holder.js';

export interface LockFileOptions {
  /** How long `acquire` waits for a live holder before failing with STORE_UNAVAILABLE. */
  timeoutMs: number;
  /**
   * How long a holder whose liveness this host cannot check (another host, no /proc) may go without
   * a heartbeat before its lock is stale. Holders this host can check are never stale while alive.
   */
  staleMs: number;
}

/** A lock this thread holds: release it, or check (right before a write) that it is still ours. */
export interface HeldLock {
  /** Throws STORE_UNAVAILABLE unless the lock file at the path is still the one this acquire created. */
  assertHeld(): Promise<void>;
  release(): Promise<void>;
  /** Whether a stale lock had to be broken to get this one (a writer died: sweep its leftovers). */
  readonly brokeStale: boolean;
}

/** The `.break` lock's own age threshold, for a breaker this host cannot check (breaking takes microseconds). */
const BREAKER_STALE_MS = 5_000;

/**
 * A mutex between threads and processes on one host: the file `<path>` exists while someone holds it,
 * and records who (pid, Node thread id, the OS thread's tid and start time, host, boot, nonce). The
 * file is born complete: written to a temp file, then hard-linked into place (`link` fails if the
 * lock exists).
 *
 * A lock is stale only when its holder is provably gone: its process or thread no longer runs, or the
 * pid/tid now names another thread (its start time differs), or the host rebooted since. A live
 * holder is waited for however long it holds (a stopped or paused one too), up to `timeoutMs`. Only
 * where this host cannot check (another host, another pid namespace, no /proc, a lock of an older
 * version) is age the rule:
 * the holder touches the lock's mtime every `staleMs / 4`, so a lock without a heartbeat for `staleMs`
 * is stale. Because such a takeover can hit a holder that is merely paused, writers also check
 * `assertHeld()` right before they rename anything into place (see FileBackend).
 */
export class LockFile {
  readonly path: string;
  readonly #options: LockFileOptions;

  constructor(path: string, options: LockFileOptions) {
    this.path = path;
    this.#options = options;
  }

  /** Waits for the lock (STORE_UNAVAILABLE after timeoutMs). */
  async acquire(): Promise<HeldLock> {
    const deadline = Date.now() + this.#options.timeoutMs;
    let brokeStale = false;
    for (let attempt = 0; ; attempt++) {
      const created = await createOwned(this.path);
      if (created !== null) return this.#held(created.handle, created.nonce, brokeStale);
      const seen = await readHolder(this.path);
      if (seen !== 'gone' && isStale(seen, this.#options.staleMs)) {
        brokeStale = (await this.#breakStale(seen)) || brokeStale;
        continue;
      }
      if (Date.now() >= deadline) {
        const who = seen === 'gone' || seen.holder === null ? '' : ` (held by pid ${seen.holder.pid} on ${seen.holder.host})`;
        throw new TokenStoreError('STORE_UNAVAILABLE', `FileStore: timed out after ${this.#options.timeoutMs} ms waiting for lock file ${this.path}${who}`);
      }
      await sleep(backoff(attempt));
    }
  }

  /** `nonce` is already in heldHere (see createOwned); it leaves only once the lock is off its path. */
  async #held(handle: FileHandle, nonce: string, brokeStale: boolean): Promise<HeldLock> {
    let dev: number;
    let ino: number;
    try {
      ({ dev, ino } = await handle.stat());
    } catch (error) {
      await unlinkIfPresent(this.path).finally(() => {
        heldHere.delete(nonce);
        return handle.close();
      });
      throw error;
    }
    // The heartbeat goes through our own descriptor: if the lock was taken over, it touches our
    // orphaned inode, never the successor's lock.
    const heartbeat = setInterval(() => {
      const now = new Date();
      handle.utimes(now, now).catch(() => undefined);
    }, Math.max(1, this.#options.staleMs / 4));
    heartbeat.unref();
    const isOurs = async () => {
      const info = await stat(this.path).catch(() => null);
      return info !== null && info.ino === ino && info.dev === dev;
    };
    let released = false;
    return {
      brokeStale,
      assertHeld: async () => {
        if (released || !(await isOurs())) {
          throw new TokenStoreError('STORE_UNAVAILABLE', `FileStore: lost lock file ${this.path} to another writer (this one was judged stale); nothing was written`);
        }
      },
      release: async () => {
        if (released) return;
        released = true;
        clearInterval(heartbeat);
        try {
          // Compared by inode (ours is still open, so no other file can have it): a successor's lock is
          // left alone. On this host nobody replaces the lock of a live holder, so it cannot change
          // between this check and the unlink (which is why the nonce stays in heldHere until after).
          if (await isOurs()) await unlinkIfPresent(this.path);
        } finally {
          heldHere.delete(nonce);
          await handle.close();
        }
      },
    };
  }

  /**
   * Removes the stale lock `seen`, never another: under the `.break` mutex, only if the lock is still
   * the file judged stale, and by renaming it to a name of our own and comparing again; if a new
   * holder's lock was moved instead, it is linked back into place. True when this call removed it.
   */
  async #breakStale(seen: Seen): Promise<boolean> {
    const breakerPath = `${this.path}.break`;
    const created = await createOwned(breakerPath);
    if (created === null) {
      // Someone else is breaking it right now; a breaker provably gone (or silent for long) is removed.
      const other = await readHolder(breakerPath);
      if (other !== 'gone' && isStale(other, BREAKER_STALE_MS)) await removeIfSame(breakerPath, other);
      else await sleep(1);
      return false;
    }
    const breaker = created.handle;
    try {
      // Under `.break` nobody else breaks, and a dead holder does not release: if the lock is still
      // the one judged stale, it stays so until we remove it. (Another waiter that judged the same
      // lock stale may get `.break` after we released it and a new holder took the lock: this check
      // is what keeps it from touching the new lock.)
      const again = await readHolder(this.path);
      if (again === 'gone' || again.raw !== seen.raw || again.ino !== seen.ino) return false;
      // Rename, then compare, rather than unlink: should this breaker have been paused right here for
      // longer than BREAKER_STALE_MS (only for a breaker this host cannot check), the file moved may be
      // a new holder's lock, and it goes back. A temp-file name: the sweep removes it if we die now.
      const moved = tempPath(this.path);
      try {
        await rename(this.path, moved);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'ENOENT') return false;
        throw error;
      }
      const got = await readHolder(moved);
      if (got !== 'gone' && got.ino === seen.ino && got.raw === seen.raw) {
        await unlinkIfPresent(moved);
        return true;
      }
      // Not the lock judged stale (its holder released and someone took a new one): put it back.
      try {
        await link(moved, this.path);
      } catch (error) {
        // EEXIST: a third writer took the free path in between. The holder we moved then fails its
        // assertHeld() before writing, so the two never both write.
        if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      }
      await unlinkIfPresent(moved);
      return false;
    } finally {
      // Only our own `.break` (same inode): had ours been judged stale and replaced, leave the other.
      try {
        const [mine, now] = await Promise.all([breaker.stat(), stat(breakerPath).catch(() => null)]);
        if (now !== null && now.ino === mine.ino && now.dev === mine.dev) await unlinkIfPresent(breakerPath);
      } finally {
        // Even if that failed: a `.break` left behind must be judged by the rules, not as ours forever.
        heldHere.delete(created.nonce);
        await breaker.close();
      }
    }
  }
}

/**
 * Creates the lock file `path` naming this thread (null when it exists). Its nonce is counted as held
 * before the file can appear at its path, because a lock naming this thread whose nonce is not in
 * heldHere is judged leaked: another waiter of this thread would break it. The caller removes the
 * nonce only once the file is off its path.
 */
async function createOwned(path: string): Promise<{ handle: FileHandle; nonce: string } | null> {
  const holder = newHolder();
  const { nonce } = holder;
  heldHere.add(nonce);
  try {
    const handle = await createExclusive(path, JSON.stringify(holder));
    if (handle !== null) return { handle, nonce };
  } catch (error) {
    heldHere.delete(nonce);
    throw error;
  }
  heldHere.delete(nonce);
  return null;
}

async function readHolder(path: string): Promise<Seen | 'gone'> {
  try {
    // Never a blocking open: a FIFO planted at the lock's path fails the operation (INVALID_ARGUMENT).
    const handle = await openRegularFile(path, 'lock file');
    try {
      const [info, raw] = await Promise.all([handle.stat(), handle.readFile('utf8')]);
      return { holder: parseHolder(raw), raw, ino: info.ino, mtimeMs: info.mtimeMs };
    } finally {
      await handle.close();
    }
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return 'gone';
    throw error;
  }
}

/** Removes the `.break` lock `seen` only if it is still that file (same rename-and-check as above). */
async function removeIfSame(path: string, seen: Seen): Promise<void> {
  const moved = tempPath(path);
  try {
    await rename(path, moved);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw error;
  }
  const got = await readHolder(moved);
  if (got === 'gone' || got.ino !== seen.ino) await link(moved, path).catch(() => undefined);
  await unlinkIfPresent(moved);
}

/**
 * Creates `path` with `content` only if it does not exist, and returns an open handle on it (null
 * when it exists): via a temp file and `link` (atomic, and the file is complete from its first
 * instant). Filesystems without hard links fall back to O_CREAT|O_EXCL, where a reader may briefly
 * see an empty file (judged by age, so not stale yet).
 */
async function createExclusive(path: string, content: string): Promise<FileHandle | null> {
  const temp = tempPath(path);
  let handle: FileHandle | null = await open(temp, 'wx', FILE_MODE);
  try {
    await handle.writeFile(content, 'utf8');
    try {
      await link(temp, path);
      const linked = handle;
      handle = null; // kept open: the caller's heartbeat and ownership checks use it
      return linked;
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'EEXIST') return null;
      if (code !== 'EPERM' && code !== 'ENOTSUP' && code !== 'ENOSYS' && code !== 'EXDEV') throw error;
    }
    let direct: FileHandle;
    try {
      direct = await open(path, 'wx', FILE_MODE);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'EEXIST') return null;
      throw error;
    }
    try {
      await direct.writeFile(content, 'utf8');
    } catch (error) {
      await direct.close();
      throw error;
    }
    return direct;
  } finally {
    await handle?.close();
    await unlinkIfPresent(temp);
  }
}

export async function unlinkIfPresent(path: string): Promise<void> {
  try {
    await unlink(path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
}

/** 1, 2, 4 ... 16 ms with jitter: short, because holders keep the lock for a few milliseconds. */
function backoff(attempt: number): number {
  const base = Math.min(16, 2 ** Math.min(attempt, 4));
  return base / 2 + Math.random() * base;
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Age of a file in ms, or undefined when it does not exist (for sweeping leftovers). */
export async function ageOf(path: string): Promise<number | undefined> {
  try {
    return Date.now() - (await stat(path)).mtimeMs;
  } catch {
    return undefined;
  }
}
