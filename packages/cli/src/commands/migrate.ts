import { TokenStoreError } from '@tokenstore/core';
import type { Command } from '../command.js';
import { CliErrorCode, usageError } from '../cli-error.js';
import { integerOption } from '../integer-option.js';
import { hasPutRecords, putInBatches, saveOneByOne } from '../copy-records.js';
import { ExitCode } from '../exit-codes.js';
import { closeQuietly, openStore, type OpenedStore } from '../open-store.js';
import { parseCommandArgs } from '../parse-args.js';
import { progress } from '../progress.js';
import { terminalText } from '../terminal-text.js';
import { compareRecords, isIdentical, type CopyDifference } from '../verify-copy.js';

/** Saves in flight for a store without putRecords: enough to hide round trips (64 doubled PostgreSQL and MongoDB hops over 16). */
const DEFAULT_CONCURRENCY = 64;
/** Records per putRecords call: one statement or transaction each, small enough for any server's packet limits. */
const DEFAULT_BATCH_SIZE = 1000;
/** Beyond these a run only queues more work than any store takes at once (and a typo is more likely than intent). */
const MAX_CONCURRENCY = 10_000;
const MAX_BATCH_SIZE = 1_000_000;
/** putRecords calls in flight: a few hide the round trips; more only contend for the same table. */
const BATCHES_IN_FLIGHT = 4;
/** How many differing ids are printed (ids are not secret; a million of them is not useful). */
const SHOWN_IDS = 10;

export const migrateCommand: Command = {
  name: 'migrate',
  summary: 'copy every token from one store to another, then verify both sides record by record',
  help: `Usage: tokenstore migrate --from <store-url> --to <store-url> [--batch-size <n>] [--concurrency <n>]

Copies every record from the source to the target exactly as stored (encrypted
values stay encrypted, under the same keys), by id: a record whose id is in the
target is replaced field for field, the others are inserted, in batches (one
transaction or statement each). Records are never matched by user or token, so
records sharing a refresh token stay separate. Idempotent: after a crash or an
interrupt, run the same command again; nothing is duplicated or lost. Then it
verifies: record counts and a digest of every field of every record on both
sides; any difference (a missing, extra or changed record) exits 4.
Stop the applications writing to the source first: a token refreshed during the
copy shows up as a difference.

Progress goes to stderr: a bar with rate and ETA on a terminal, plain lines otherwise.

Options:
  --from <url>         the source store
  --to <url>           the target store (created if missing)
  --batch-size <n>     records per batch, 1 to ${MAX_BATCH_SIZE} (default ${DEFAULT_BATCH_SIZE}; a file: target is written in one batch)
  --concurrency <n>    saves in flight at once, for a target store without batches, 1 to ${MAX_CONCURRENCY} (default ${DEFAULT_CONCURRENCY}; at most ${BATCHES_IN_FLIGHT} batches)
  -h, --help           this help
`,
  async run(args, { io, importer }) {
    const { values } = parseCommandArgs('migrate', args, { from: { type: 'string' }, to: { type: 'string' }, 'batch-size': { type: 'string' }, concurrency: { type: 'string' } }, 0);
    if (values.help) return io.out(this.help), ExitCode.OK;
    if (!values.from || !values.to) throw usageError('migrate: both --from <url> and --to <url> are required');
    if (values.from === values.to) throw usageError('migrate: --from and --to name the same store');
    const concurrency = integerOption('migrate', '--concurrency', values.concurrency, DEFAULT_CONCURRENCY, MAX_CONCURRENCY);
    const batchSize = integerOption('migrate', '--batch-size', values['batch-size'], DEFAULT_BATCH_SIZE, MAX_BATCH_SIZE);

    let source: OpenedStore | undefined;
    let target: OpenedStore | undefined;
    try {
      source = await openStore(values.from, { importer });
      target = await openStore(values.to, { importer });
      const started = io.now();
      const tokens = await source.raw.getTokens();
      io.err(`migrate: ${tokens.length} tokens from ${source.location.display} to ${target.location.display}\n`);
      const bar = progress(io, 'migrate', tokens.length);
      const onDone = (done: number) => bar.update(done);
      if (hasPutRecords(target.raw)) {
        // FileStore rewrites its whole file per write: one batch is one rewrite instead of n / batchSize.
        const size = target.location.kind === 'file' ? Math.max(tokens.length, 1) : batchSize;
        await putInBatches(tokens, target.raw, size, Math.min(concurrency, BATCHES_IN_FLIGHT), onDone);
      } else {
        await saveOneByOne(tokens, target.raw, concurrency, onDone);
      }
      bar.finish(tokens.length);
      const copiedMs = io.now() - started;
      const difference = compareRecords(tokens, await target.raw.getTokens());
      if (!isIdentical(difference)) {
        io.err(describeDifference(difference));
        throw new TokenStoreError(CliErrorCode.VERIFY_FAILED, 'migrate: the target does not hold exactly the source records (see above); run again once nothing writes to either store, or empty the target');
      }
      const rate = Math.round((tokens.length * 1000) / Math.max(copiedMs, 1));
      io.out(`migrated ${tokens.length} tokens in ${(copiedMs / 1000).toFixed(1)} s (${rate} tokens/s); verified: counts and every record's digest are equal\n`);
      return ExitCode.OK;
    } finally {
      await closeQuietly(source?.raw);
      await closeQuietly(target?.raw);
    }
  },
};

function describeDifference(d: CopyDifference): string {
  const ids = (list: string[]) => list.slice(0, SHOWN_IDS).map(terminalText).join(', ') + (list.length > SHOWN_IDS ? `, ... (${list.length - SHOWN_IDS} more)` : '');
  let out = `verify: source ${d.sourceCount} records, target ${d.targetCount}\n`;
  if (d.missing.length) out += `verify: ${d.missing.length} missing in the target: ${ids(d.missing)}\n`;
  if (d.changed.length) out += `verify: ${d.changed.length} differ: ${ids(d.changed)}\n`;
  if (d.extra.length) out += `verify: ${d.extra.length} in the target only: ${ids(d.extra)}\n`;
  return out;
}
