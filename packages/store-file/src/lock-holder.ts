// Who holds a lock file, and when that holder is provably gone: the record and the staleness rules.
import { randomBytes } from 'node:crypto';
import { threadId } from 'node:worker_threads';
import { BOOT_ID, currentTask, HOST, PID_NAMESPACE, taskLiveness, type Liveness } from './process-liveness.js';

/** Who holds a lock: enough to tell, on this host, whether that very thread still runs. */
export interface Holder {
  pid: number;
  host: string;
  createdAt: number;
  nonce: string;
  /** Node's threadId inside `pid` (0: main thread). Absent in locks of older FileStore versions. */
  thread?: number;
  /** The OS thread (Linux): tid and start time, so a reused pid or tid is not taken for the holder. */
  tid?: number;
  start?: string;
  boot?: string;
  /** Its pid namespace (Linux): a pid from another namespace cannot be checked here. */
  ns?: string;
}

/**
 * Nonces of locks this thread holds right now: a lock file naming this very thread with another
 * nonce leaked. Kept on globalThis so an app that loads both the ESM and the CJS build still has one
 * set; globalThis is per thread, which is why the holder record names the thread.
 */
export const heldHere: Set<string> = ((globalThis as Record<symbol, unknown>)[Symbol.for('@tokenstore/store-file:held-locks')] ??= new Set<string>()) as Set<string>;

/** A lock file as read: its holder (null: not a LockFile's record), bytes, inode and mtime. */
export interface Seen {
  holder: Holder | null;
  raw: string;
  ino: number;
  mtimeMs: number;
}

/** The record of a lock this thread is about to take. */
export function newHolder(): Holder {
  const task = currentTask();
  return {
    pid: process.pid,
    host: HOST,
    createdAt: Date.now(),
    nonce: randomBytes(12).toString('hex'),
    thread: threadId,
    ...(task === null ? {} : { tid: task.tid, start: task.start }),
    ...(BOOT_ID === null ? {} : { boot: BOOT_ID }),
    ...(PID_NAMESPACE === null ? {} : { ns: PID_NAMESPACE }),
  };
}

/**
 * Whether the lock `seen` may be broken: only when its holder is provably gone (see LockFile). Age,
 * measured from the holder's heartbeat on the mtime, counts only where this host cannot check the
 * holder: another host or pid namespace, no /proc, an unreadable lock or one of an older version.
 */
export function isStale(seen: Seen, staleMs: number): boolean {
  const { holder } = seen;
  const silentFor = Date.now() - seen.mtimeMs; // the heartbeat keeps a live holder's mtime fresh
  if (holder === null) return silentFor > staleMs; // not written by a LockFile
  if (holder.host !== HOST) return silentFor > staleMs;
  if (holder.boot !== undefined && BOOT_ID !== null && holder.boot !== BOOT_ID) return true;
  if (holder.ns !== undefined && PID_NAMESPACE !== null && holder.ns !== PID_NAMESPACE) return silentFor > staleMs; // another container
  if (holder.pid === process.pid && holder.thread === threadId) return !heldHere.has(holder.nonce); // leaked by this thread
  const liveness: Liveness = taskLiveness(holder.pid, holder.tid !== undefined && holder.start !== undefined ? { tid: holder.tid, start: holder.start } : null);
  if (liveness === 'gone') return true;
  if (liveness === 'alive') return false;
  return silentFor > staleMs;
}

/** The holder recorded in a lock file's bytes, or null for anything a LockFile did not write. */
export function parseHolder(raw: string): Holder | null {
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

