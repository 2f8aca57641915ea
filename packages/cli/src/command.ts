import type { CliIo } from './io.js';
import type { PackageImporter } from './load-package.js';

export interface CommandContext {
  readonly io: CliIo;
  readonly importer?: PackageImporter;
  /** Authorization-server requests (`revoke`); default globalThis.fetch. */
  readonly fetch?: typeof fetch;
}

/** One `tokenstore <name>` command: its help text and what it does. Returns the exit code. */
export interface Command {
  readonly name: string;
  readonly summary: string;
  readonly help: string;
  run(args: string[], context: CommandContext): Promise<number>;
}
