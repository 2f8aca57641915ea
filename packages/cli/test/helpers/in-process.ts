import { run } from '../../src/run.js';
import type { PackageImporter } from '../../src/load-package.js';

export interface Captured {
  code: number;
  out: string;
  err: string;
}

/** Runs a command line in this process with captured output (no TTY unless asked). */
export async function cli(argv: string[], options: { importer?: PackageImporter; tty?: boolean; now?: () => number; fetch?: typeof fetch } = {}): Promise<Captured> {
  let out = '';
  let err = '';
  const code = await run(argv, {
    io: { out: (t) => (out += t), err: (t) => (err += t), errIsTty: options.tty ?? false, columns: 100, now: options.now ?? Date.now },
    ...(options.importer ? { importer: options.importer } : {}),
    ...(options.fetch ? { fetch: options.fetch } : {}),
  });
  return { code, out, err };
}
