import { spawn, spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const SCRIPT = fileURLToPath(new URL('./workers/contend.mjs', import.meta.url));
const DIST = fileURLToPath(new URL('../dist/index.js', import.meta.url));

export interface ContenderConfig {
  file: string;
  tag: string;
  saves: number;
  /** Ask for lease "k" every this many saves (0: never). */
  leaseEvery?: number;
  /** Worker threads the process runs (0: it works itself). */
  threads?: number;
  /** The file a lease holder creates with O_EXCL while it holds the lease (overlap detector). */
  holding?: string;
  options?: Record<string, number>;
}

export interface ContenderSummary {
  acknowledged: number;
  errors: string[];
  holds: number;
  overlaps: number;
}

/** A child process running test/workers/contend.mjs on the built dist (see that script). */
export interface Contender {
  readonly pid: number;
  /** Names whose save had returned, in the order the contender printed them. */
  readonly acknowledged: string[];
  /** Resolves with the contender's summary once it exits. */
  readonly done: Promise<ContenderSummary>;
  /** Resolves once `count` saves were acknowledged. */
  acknowledgedAtLeast(count: number): Promise<void>;
  signal(signal: NodeJS.Signals): void;
}

export function startContender(config: ContenderConfig): Contender {
  const child = spawn(process.execPath, [SCRIPT, JSON.stringify({ dist: DIST, ...config })], { stdio: ['ignore', 'pipe', 'pipe'] });
  const acknowledged: string[] = [];
  const waiters: { count: number; resolve: () => void }[] = [];
  let summary: ContenderSummary | undefined;
  let partial = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
    partial += chunk;
    const lines = partial.split('\n');
    partial = lines.pop() as string;
    for (const line of lines) {
      if (line.startsWith('ack ')) acknowledged.push(line.slice(4));
      else if (line.startsWith('done ')) summary = JSON.parse(line.slice(5)) as ContenderSummary;
    }
    for (const w of waiters.filter((w) => acknowledged.length >= w.count)) {
      waiters.splice(waiters.indexOf(w), 1);
      w.resolve();
    }
  });
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  const done = new Promise<ContenderSummary>((resolve, reject) => {
    child.on('close', (code, signal) => {
      if (code === 0 && summary !== undefined) resolve(summary);
      else reject(new Error(`contender ${config.tag} exited (${code ?? signal}): ${stderr}`));
    });
  });
  done.catch(() => undefined); // observed by whoever awaits it; no unhandled rejection meanwhile
  return {
    pid: child.pid as number,
    acknowledged,
    done,
    acknowledgedAtLeast: (count) =>
      acknowledged.length >= count ? Promise.resolve() : Promise.race([new Promise<void>((resolve) => waiters.push({ count, resolve })), done.then(() => {
        throw new Error(`contender ${config.tag} finished with fewer than ${count} saves`);
      })]),
    signal: (signal) => child.kill(signal),
  };
}

/** Saves user `<tag>-0` from a separate process and waits for it (blocking this thread meanwhile). */
export function saveInChildSync(file: string, tag: string): ContenderSummary {
  const child = spawnSync(process.execPath, [SCRIPT, JSON.stringify({ dist: DIST, file, tag, saves: 1 })], { encoding: 'utf8' });
  const done = child.stdout.split('\n').find((line) => line.startsWith('done '));
  if (child.status !== 0 || done === undefined) throw new Error(`contender ${tag} failed (${child.status ?? child.signal}): ${child.stderr}`);
  return JSON.parse(done.slice(5)) as ContenderSummary;
}
