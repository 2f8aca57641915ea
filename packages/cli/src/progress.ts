import type { CliIo } from './io.js';

/** How often a TTY bar is redrawn and how often a plain line is written. */
const TTY_REDRAW_MS = 100;
const LINE_INTERVAL_MS = 2000;

export interface Progress {
  update(done: number): void;
  finish(done: number): void;
}

/**
 * Progress of a long job on stderr: on a terminal a bar redrawn in place with rate and ETA, otherwise
 * (a pipe, a log file, CI) one plain line every couple of seconds and a last one, no control characters.
 */
export function progress(io: CliIo, label: string, total: number): Progress {
  const started = io.now();
  let last = -Infinity;
  const stats = (done: number) => {
    const elapsed = Math.max(io.now() - started, 1);
    const rate = (done * 1000) / elapsed;
    return {
      percent: total > 0 ? Math.floor((Math.min(done, total) * 100) / total) : 100,
      rate: Math.round(rate),
      eta: rate > 0 ? Math.max(total - done, 0) / rate : Number.NaN,
    };
  };
  const text = (done: number): string => {
    const s = stats(done);
    return `${done}/${total} (${s.percent}%) ${s.rate} tokens/s ETA ${formatEta(s.eta)}`;
  };
  const bar = (done: number): string => {
    const s = stats(done);
    const tail = ` ${s.percent}% ${done}/${total} ${s.rate}/s ETA ${formatEta(s.eta)}`;
    const width = Math.max(10, Math.min(40, io.columns - label.length - tail.length - 4));
    const filled = total > 0 ? Math.round((width * Math.min(done, total)) / total) : width;
    return `\r${label} [${'#'.repeat(filled)}${'-'.repeat(width - filled)}]${tail}\x1b[K`;
  };
  return {
    update(done) {
      const now = io.now();
      if (now - last < (io.errIsTty ? TTY_REDRAW_MS : LINE_INTERVAL_MS)) return;
      last = now;
      io.err(io.errIsTty ? bar(done) : `${label}: ${text(done)}\n`);
    },
    finish(done) {
      io.err(io.errIsTty ? `${bar(done)}\n` : `${label}: ${text(done)}\n`);
    },
  };
}

function formatEta(seconds: number): string {
  if (!Number.isFinite(seconds)) return '--';
  const s = Math.ceil(seconds);
  return s >= 60 ? `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s` : `${s}s`;
}
