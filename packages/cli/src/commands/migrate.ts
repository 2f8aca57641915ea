import { TokenStoreError } from '@tokenstore/core';
import type { Command } from '../command.js';
import { CliErrorCode, usageError } from '../cli-error.js';
import { copyRecords } from '../copy-records.js';
import { ExitCode } from '../exit-codes.js';
import { writeTokenFile } from '../file-bulk-write.js';
import { loadPackage } from '../load-package.js';
import { closeQuietly, openStore, type OpenedStore } from '../open-store.js';
import { parseCommandArgs } from '../parse-args.js';
import { progress } from '../progress.js';
import { compareRecords, isIdentical, type CopyDifference } from '../verify-copy.js';

/** Saves in flight: enough to hide round trips (measured: 64 doubles PostgreSQL and MongoDB hops over 16). */
const DEFAULT_CONCURRENCY = 64;
/** How many differing ids are printed (ids are not secret; a million of them is not useful). */
const SHOWN_IDS = 10;

export const migrateCommand: Command = {
  name: 'migrate',
  summary: 'copy every token from one store to another, then verify both sides record by record',
  help: `Usage: tokenstore migrate --from <store-url> --to <store-url> [--concurrency <n>]

Copies every record from the source to the target exactly as stored (encrypted
values stay encrypted, under the same keys), saving each by its id. Idempotent:
after a crash or an interrupt, run the same command again; nothing is duplicated
or lost. Then it verifies: record counts and a digest of every field of every
record on both sides; any difference (a missing, extra or changed record) exits 4.
Stop the applications writing to the source first: a token refreshed during the
copy shows up as a difference.

Progress goes to stderr: a bar with rate and ETA on a terminal, plain lines otherwise.

Options:
  --from <url>         the source store
  --to <url>           the target store (created if missing)
  --concurrency <n>    saves in flight at once (default ${DEFAULT_CONCURRENCY})
  -h, --help           this help
`,
  async run(args, { io, importer }) {
    const { values } = parseCommandArgs('migrate', args, { from: { type: 'string' }, to: { type: 'string' }, concurrency: { type: 'string' } }, 0);
    if (values.help) return io.out(this.help), ExitCode.OK;
    if (!values.from || !values.to) throw usageError('migrate: both --from <url> and --to <url> are required');
    if (values.from === values.to) throw usageError('migrate: --from and --to name the same store');
    const concurrency = Number(values.concurrency ?? DEFAULT_CONCURRENCY);
    if (!Number.isInteger(concurrency) || concurrency < 1) throw usageError('migrate: --concurrency must be a positive integer');

    let source: OpenedStore | undefined;
    let target: OpenedStore | undefined;
    try {
      source = await openStore(values.from, { importer });
      target = await openStore(values.to, { importer });
      const started = io.now();
      const tokens = await source.raw.getTokens();
      io.err(`migrate: ${tokens.length} tokens from ${source.location.display} to ${target.location.display}\n`);
      const bar = progress(io, 'migrate', tokens.length);
      if (target.location.kind === 'file' && (await target.raw.getTokens()).length === 0) {
        const fileFormat = (await loadPackage(target.location.packageName, 'a file store URL', importer)) as { FORMAT: string; FORMAT_VERSION: number };
        writeTokenFile(target.location.target, fileFormat, tokens);
        // Read back through a fresh FileStore: it validates the file we wrote.
        await closeQuietly(target.raw);
        target = await openStore(values.to, { importer });
      } else {
        await copyRecords(tokens, target.raw, concurrency, (done) => bar.update(done));
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
  const ids = (list: string[]) => list.slice(0, SHOWN_IDS).join(', ') + (list.length > SHOWN_IDS ? `, ... (${list.length - SHOWN_IDS} more)` : '');
  let out = `verify: source ${d.sourceCount} records, target ${d.targetCount}\n`;
  if (d.missing.length) out += `verify: ${d.missing.length} missing in the target: ${ids(d.missing)}\n`;
  if (d.changed.length) out += `verify: ${d.changed.length} differ: ${ids(d.changed)}\n`;
  if (d.extra.length) out += `verify: ${d.extra.length} in the target only: ${ids(d.extra)}\n`;
  return out;
}
