#!/usr/bin/env node
/**
 * tokenstore-conformance <module>: runs the conformance suite, with the vitest installed in the current
 * project, against the store the module describes (its default export: the options, or a possibly async
 * function returning them). `--durability` runs the durability suite through the module's `durability`
 * part instead. Exits 0 when every test passes, 1 when any fails, 2 on usage/setup errors.
 */
import { runCli } from './cli-run.js';

runCli(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(`tokenstore-conformance: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
    process.exit(2);
  },
);
