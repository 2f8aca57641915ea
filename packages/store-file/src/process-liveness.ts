import { hostname } from 'node:os';

/** This machine's name, recorded in lock files: a pid means something only on the host that wrote it. */
export const HOST = hostname();

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
