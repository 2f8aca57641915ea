import { parseArgs, type ParseArgsConfig } from 'node:util';
import { usageError } from './cli-error.js';

type Options = NonNullable<ParseArgsConfig['options']>;

/** node:util's parseArgs, strict, with its errors turned into USAGE errors naming the command. */
export function parseCommandArgs<T extends Options>(command: string, args: string[], options: T, positionals: number) {
  let parsed;
  try {
    parsed = parseArgs({ args, options: { ...options, help: { type: 'boolean', short: 'h' } as const }, allowPositionals: true, strict: true });
  } catch (error) {
    throw usageError(`${command}: ${(error as Error).message.split('\n')[0]} (see tokenstore ${command} --help)`);
  }
  if (!(parsed.values as { help?: boolean }).help && parsed.positionals.length !== positionals) {
    throw usageError(`${command}: expected ${positionals} argument${positionals === 1 ? '' : 's'}, got ${parsed.positionals.length} (see tokenstore ${command} --help)`);
  }
  return parsed as { values: { [K in keyof T]?: T[K]['type'] extends 'boolean' ? boolean : string } & { help?: boolean }; positionals: string[] };
}
