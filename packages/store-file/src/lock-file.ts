import { randomBytes } from 'node:crypto';
import { link, open, stat, unlink } from 'node:fs/promises';
import { TokenStoreError } from '@tokenstore/core';
import { FILE_MODE, tempPath } from './atomic-write.js';
import { HOST, isProcessAlive } from './process-liveness.js';

export interface LockFileOptions {
  /** How long `acquire` waits for a live holder before failing with STORE_UNAVAILABLE. */
  timeoutMs: number;
  /** A lock older than this is stale whatever its pid (a hung holder, or one on another host). */
  staleMs: number;
}

interface Holder {
  pid: number;
  host: string;
  createdAt: number;
  nonce: string;
}

/**
 * Nonces of locks this process holds right now: a lock file with our pid but another nonce leaked.
 * Kept on globalThis so an app that loads both the ESM and the CJS build still has one set.
 */
const heldHere: Set<string> = ((globalThis as Record<symbol, unknown>)[Symbol.for('@tokenstore/store-file:held-locks')] ??= new Set<string>()) as Set<string>;

/** How long a `.break` file may live before another process removes it (breaking takes microseconds). */
const BREAKER_STALE_MS = 5_000;

/**
 * A cross-process mutex: the file `<path>` exists while someone holds it, and records who
 * (`{ pid, host, createdAt, nonce }`). The file is born complete: the holder record is written to a
 * temp file first and hard-linked into place, and `link` fails if the lock exists, so no reader ever
 * sees an empty lock.
 *
 * Stale detection: a lock is stale when its pid is dead on this host, or when it is older than
 * `staleMs`. Breaking a stale lock happens under a second, short-lived lock (`<path>.break`) and only
 * if the lock still holds the same nonce, so two waiters that both saw the same stale lock cannot
 * delete the fresh lock one of them took in the meantime.
 */
export class LockFile {
  readonly path: string;
  readonly #options: LockFileOptions;

  constructor(path: string, options: LockFileOptions) {
    this.path = path;
    this.#options = options;
  }

  /** Waits for the lock; resolves to its release function and whether a stale lock had to be broken. */
  async acquire(): Promise<{ release: () => Promise<void>; brokeStale: boolean }> {
    const deadline = Date.now() + this.#options.timeoutMs;
    let brokeStale = false;
    for (let attempt = 0; ; attempt++) {
      const holder: Holder = { pid: process.pid, host: HOST, createdAt: Date.now(), nonce: randomBytes(12).toString('hex') };
      if (await createExclusive(this.path, JSON.stringify(holder))) {
        heldHere.add(holder.nonce);
        return { release: () => this.#release(holder.nonce), brokeStale };
      }
      const seen = await readHolder(this.path);
      if (seen !== 'gone' && this.#isStale(seen)) {
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

  async #release(nonce: string): Promise<void> {
    heldHere.delete(nonce);
    const seen = await readHolder(this.path);
    // Not ours any more (someone judged us stale and broke it): leave their lock alone.
    if (seen !== 'gone' && seen.holder?.nonce === nonce) await unlinkIfPresent(this.path);
  }

  #isStale(seen: Seen): boolean {
    const { holder, mtimeMs } = seen;
    if (holder === null) return Date.now() - mtimeMs > this.#options.staleMs; // not written by a LockFile
    if (Date.now() - holder.createdAt > this.#options.staleMs) return true;
    if (holder.host !== HOST) return false;
    if (holder.pid === process.pid) return !heldHere.has(holder.nonce); // leaked by this process
    return !isProcessAlive(holder.pid);
  }

  /** Removes the stale lock `seen` unless it changed meanwhile. True when this call removed it. */
  async #breakStale(seen: Seen): Promise<boolean> {
    const breaker = `${this.path}.break`;
    const me: Holder = { pid: process.pid, host: HOST, createdAt: Date.now(), nonce: randomBytes(12).toString('hex') };
    if (!(await createExclusive(breaker, JSON.stringify(me)))) {
      // Someone else is breaking it right now; a breaker that died mid-way is removed after a while.
      const other = await readHolder(breaker);
      if (other !== 'gone' && isBreakerStale(other)) await unlinkIfPresent(breaker);
      else await sleep(1);
      return false;
    }
    try {
      const again = await readHolder(this.path);
      if (again === 'gone' || again.raw !== seen.raw || again.ino !== seen.ino) return false;
      await unlinkIfPresent(this.path);
      return true;
    } finally {
      await unlinkIfPresent(breaker);
    }
  }
}

interface Seen {
  holder: Holder | null;
  raw: string;
  ino: number;
  mtimeMs: number;
}

async function readHolder(path: string): Promise<Seen | 'gone'> {
  try {
    const handle = await open(path, 'r');
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

function parseHolder(raw: string): Holder | null {
  try {
    const value = JSON.parse(raw) as Partial<Holder>;
    if (typeof value.pid === 'number' && typeof value.host === 'string' && typeof value.createdAt === 'number' && typeof value.nonce === 'string') {
      return value as Holder;
    }
  } catch {
    // fall through: not a lock file we wrote
  }
  return null;
}

function isBreakerStale(seen: Seen): boolean {
  const { holder } = seen;
  if (holder === null) return Date.now() - seen.mtimeMs > BREAKER_STALE_MS;
  if (Date.now() - holder.createdAt > BREAKER_STALE_MS) return true;
  return holder.host === HOST && holder.pid !== process.pid && !isProcessAlive(holder.pid);
}

/**
 * Creates `path` with `content` only if it does not exist: via a temp file and `link` (atomic, and
 * the file is complete from its first instant). Filesystems without hard links fall back to
 * O_CREAT|O_EXCL, where a reader may briefly see an empty file (treated as not-yet-stale).
 */
async function createExclusive(path: string, content: string): Promise<boolean> {
  const temp = tempPath(path);
  try {
    const handle = await open(temp, 'wx', FILE_MODE);
    try {
      await handle.writeFile(content, 'utf8');
    } finally {
      await handle.close();
    }
    try {
      await link(temp, path);
      return true;
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'EEXIST') return false;
      if (code !== 'EPERM' && code !== 'ENOTSUP' && code !== 'ENOSYS' && code !== 'EXDEV') throw error;
    }
    try {
      const handle2 = await open(path, 'wx', FILE_MODE);
      try {
        await handle2.writeFile(content, 'utf8');
      } finally {
        await handle2.close();
      }
      return true;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
      throw error;
    }
  } finally {
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
