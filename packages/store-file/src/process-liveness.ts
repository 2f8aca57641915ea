import { existsSync, readFileSync, readlinkSync } from 'node:fs';
import { hostname } from 'node:os';

/** This machine's name, recorded in lock files: a pid means something only on the host that wrote it. */
export const HOST = hostname();

/** Linux's id of this boot: a pid recorded before a reboot names nobody after it. Null elsewhere. */
export const BOOT_ID: string | null = readText('/proc/sys/kernel/random/boot_id')?.trim() || null;

/**
 * This process's pid namespace (Linux, e.g. `pid:[4026531836]`): containers that share a file and a
 * host name but not a pid namespace cannot check each other's pids. Null elsewhere.
 */
export const PID_NAMESPACE: string | null = readLink('/proc/self/ns/pid');

/**
 * Whether a process with this pid exists on this host. `kill(pid, 0)` sends nothing; it only checks.
 * EPERM means the process exists but belongs to another user: alive.
 */
export function isProcessAlive(pid: number): boolean {
  if (!Number.isSafeInteger(pid) || pid <= 0) return false;
  if (pid === process.pid) return true;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * The OS thread running this JavaScript thread (the main thread or one worker thread), as Linux
 * names it: its task id and start time (clock ticks since boot, field 22 of its /proc stat). A pid
 * or tid can be reused once its thread is gone, a start time with it cannot. Null without /proc.
 * Per isolate, so each worker thread computes its own (sync reads run on the calling thread).
 */
export interface Task {
  tid: number;
  start: string;
}

let self: Task | null | undefined;

export function currentTask(): Task | null {
  if (self !== undefined) return self;
  self = null;
  try {
    const [pid, , tid] = readlinkSync('/proc/thread-self').split('/');
    const start = Number(pid) === process.pid ? taskStart(process.pid, Number(tid)) : null;
    if (typeof start === 'string') self = { tid: Number(tid), start };
  } catch {
    // no /proc (macOS, Windows, a container without it): holders are then judged by heartbeat
  }
  return self;
}

/** 'alive': the thread is provably running; 'gone': provably not; 'unknown': this host cannot tell. */
export type Liveness = 'alive' | 'gone' | 'unknown';

/**
 * Whether thread `task` of process `pid` (on this host, this boot) still runs. A hidden /proc (the
 * hidepid mount option) or no /proc at all gives 'unknown' rather than 'gone' for a live process.
 */
export function taskLiveness(pid: number, task: Task | null): Liveness {
  if (!isProcessAlive(pid)) return 'gone';
  if (task === null) return 'unknown';
  const start = taskStart(pid, task.tid);
  if (typeof start === 'string') return start === task.start ? 'alive' : 'gone';
  if (start === 'missing' && existsSync(`/proc/${pid}/stat`)) return 'gone'; // the process is there, the thread is not
  return 'unknown';
}

/** The start time of task `tid` of `pid`, 'missing' when /proc has no such task, null when unreadable. */
function taskStart(pid: number, tid: number): string | 'missing' | null {
  if (!Number.isSafeInteger(tid) || tid <= 0) return 'missing';
  let stat: string;
  try {
    stat = readFileSync(`/proc/${pid}/task/${tid}/stat`, 'utf8');
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'missing' : null;
  }
  // "tid (comm) state ppid ...": comm may hold spaces and parentheses, so count fields after the last ')'.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return fields[19] ?? null; // field 22 overall; fields[0] is field 3 (state)
}

function readLink(path: string): string | null {
  try {
    return readlinkSync(path);
  } catch {
    return null;
  }
}

function readText(path: string): string | null {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return null;
  }
}
