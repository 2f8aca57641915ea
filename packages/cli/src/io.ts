/** Where a command writes: stdout for results, stderr for progress and errors. Replaceable in tests. */
export interface CliIo {
  readonly out: (text: string) => void;
  readonly err: (text: string) => void;
  /** True when stderr is a terminal: progress is then a redrawn bar, else plain lines. */
  readonly errIsTty: boolean;
  /** Terminal width for the progress bar. */
  readonly columns: number;
  readonly now: () => number;
}

export function processIo(): CliIo {
  // `tokenstore list ... | head`: a closed pipe ends the output, it is not a crash.
  for (const stream of [process.stdout, process.stderr]) {
    stream.on('error', (error: NodeJS.ErrnoException) => {
      if (error.code === 'EPIPE') process.exit(process.exitCode ?? 0);
      throw error;
    });
  }
  return {
    out: (text) => void process.stdout.write(text),
    err: (text) => void process.stderr.write(text),
    errIsTty: process.stderr.isTTY === true,
    columns: process.stderr.columns || 80,
    now: Date.now,
  };
}
