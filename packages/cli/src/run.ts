import { isTokenStoreError } from '@tokenstore/core';
import type { CommandContext } from './command.js';
import { COMMANDS } from './commands/index.js';
import { CliErrorCode } from './cli-error.js';
import { ExitCode, exitCodeOf } from './exit-codes.js';
import { mainHelp } from './main-help.js';
import { passwordScrubber } from './password-scrubber.js';
import { terminalText } from './terminal-text.js';

/**
 * Runs one command line; returns the exit code (never throws). Errors are printed as
 * `tokenstore: <CODE>: <message>`: a TokenStoreError's message never holds a token secret by contract,
 * and database passwords from the command line are removed from everything written. Causes (driver
 * errors) are not printed: they may quote values.
 */
export async function run(argv: readonly string[], context: CommandContext): Promise<number> {
  const scrub = passwordScrubber(argv);
  const io = { ...context.io, out: (t: string) => context.io.out(scrub(t)), err: (t: string) => context.io.err(scrub(t)) };
  // The prefix and code are written as they are (scripts match them); only the message is scrubbed, and
  // its control characters escaped: messages name stored ids, which may hold any character.
  const fail = (code: string, message: string) => context.io.err(`tokenstore: ${code}: ${terminalText(scrub(message))}\n`);
  const [name, ...args] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    io.out(mainHelp());
    return name === undefined ? ExitCode.USAGE : ExitCode.OK;
  }
  const command = COMMANDS.find((c) => c.name === name);
  if (!command) {
    fail(CliErrorCode.USAGE, `unknown command "${name}" (tokenstore --help lists them)`);
    return ExitCode.USAGE;
  }
  try {
    return await command.run(args, { ...context, io });
  } catch (error) {
    const code = isTokenStoreError(error) ? error.code : undefined;
    const message = isTokenStoreError(error) ? error.message : 'unexpected failure (a bug: please report it with the command, without its URLs)';
    fail(code ?? 'FAILURE', message);
    return exitCodeOf(code);
  }
}
