/**
 * CPU time of processes other than this one, by name, read from /proc (Linux only; elsewhere every
 * reading is empty and the deltas are 0). The fleet uses it to split a burst's CPU between the app
 * processes, the provider and the database server, so a throughput ratio can be explained by where the
 * extra work of the lease lands.
 */
import { readFileSync, readdirSync } from 'node:fs';

/** Clock ticks per second of /proc/<pid>/stat's utime and stime (USER_HZ, 100 on Linux). */
const TICKS_PER_SECOND = 100;

/** Process names (the `comm` of /proc/<pid>/stat) of the database servers the bench starts. */
export const DATABASE_PROCESSES = ['postgres', 'mariadbd', 'mysqld', 'ferretdb'];

/** CPU ticks used so far by each live process whose name is in `names`, by pid. */
export function cpuTicksOf(names: readonly string[]): Map<number, number> {
  const ticks = new Map<number, number>();
  let pids: string[];
  try {
    pids = readdirSync('/proc').filter((p) => /^\d+$/.test(p));
  } catch {
    return ticks;
  }
  for (const pid of pids) {
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      // "pid (comm) state ..." with comm possibly holding spaces: split after the last ')'.
      const close = stat.lastIndexOf(')');
      const comm = stat.slice(stat.indexOf('(') + 1, close);
      if (!names.includes(comm)) continue;
      const fields = stat.slice(close + 2).split(' ');
      // fields[0] is state (field 3); utime and stime are fields 14 and 15.
      ticks.set(Number(pid), Number(fields[11]) + Number(fields[12]));
    } catch {
      // the process exited meanwhile
    }
  }
  return ticks;
}

/** Milliseconds of CPU used between two readings (a process that appeared counts from 0). */
export function cpuMsBetween(before: Map<number, number>, after: Map<number, number>): number {
  let ticks = 0;
  for (const [pid, t] of after) ticks += Math.max(0, t - (before.get(pid) ?? 0));
  return (ticks * 1000) / TICKS_PER_SECOND;
}
