/**
 * Child processes driven by messages (the herd and the fleet): forked once with the tsx loader, each
 * reply queued in an inbox, so the parent can wait for one kind of reply from every child at once.
 */
import { fork, type ChildProcess } from 'node:child_process';

export interface Child<M extends { type: string }> {
  process: ChildProcess;
  inbox: M[];
  wake: (() => void) | undefined;
}

export function spawnChildren<M extends { type: string }>(script: string, n: number): Child<M>[] {
  return Array.from({ length: n }, () => {
    const proc = fork(script, [], { execArgv: ['--import', 'tsx'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'], serialization: 'json' });
    const child: Child<M> = { process: proc, inbox: [], wake: undefined };
    proc.on('message', (m: M) => {
      child.inbox.push(m);
      child.wake?.();
    });
    proc.on('exit', () => child.wake?.());
    return child;
  });
}

/** The next reply of `type` (a 'fatal' reply, an exit or the timeout rejects). */
export async function receive<M extends { type: string }>(child: Child<M>, type: M['type'], timeoutMs = 120_000): Promise<M> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const fatal = child.inbox.find((m) => m.type === 'fatal') as (M & { message?: string }) | undefined;
    if (fatal) throw new Error(`bench process ${child.process.pid} failed: ${fatal.message}`);
    const at = child.inbox.findIndex((m) => m.type === type);
    if (at >= 0) return child.inbox.splice(at, 1)[0] as M;
    if (child.process.exitCode !== null) throw new Error(`bench process ${child.process.pid} exited (${child.process.exitCode})`);
    if (Date.now() > deadline) throw new Error(`bench process ${child.process.pid}: no '${type}' within ${timeoutMs} ms`);
    await new Promise<void>((resolve) => {
      child.wake = resolve;
      setTimeout(resolve, 1000);
    });
    child.wake = undefined;
  }
}

/** Sends `message` to every child and waits for each one's `reply`. */
export async function all<P, M extends { type: string }>(children: Child<M>[], message: P | ((index: number) => P), reply: M['type'], timeoutMs?: number): Promise<M[]> {
  children.forEach((c, i) => c.process.send((typeof message === 'function' ? (message as (index: number) => P)(i) : message) as never));
  return Promise.all(children.map((c) => receive(c, reply, timeoutMs)));
}

/** Asks every child to exit and waits until each has. */
export async function stopChildren<M extends { type: string }>(children: Child<M>[], exit: unknown): Promise<void> {
  for (const c of children) if (c.process.connected) c.process.send(exit as never);
  await Promise.all(children.map((c) => (c.process.exitCode === null ? new Promise((r) => c.process.once('exit', r)) : undefined)));
}
