import { keyStatus, rotateKeys, TokenStoreError, type EncryptedStore } from '@tokenstore/core';
import type { Command } from '../command.js';
import { CliErrorCode, usageError } from '../cli-error.js';
import { ExitCode } from '../exit-codes.js';
import { applicationView, closeQuietly, openStore } from '../open-store.js';
import { parseCommandArgs } from '../parse-args.js';
import { progress } from '../progress.js';
import { terminalText } from '../terminal-text.js';

export const keysCommand: Command = {
  name: 'keys',
  summary: 'encryption at rest: which key protects how many records (status), re-encrypt under the current key (rotate)',
  help: `Usage: tokenstore keys status <store-url> [--json]
       tokenstore keys rotate <store-url>

The key ring comes from TOKENSTORE_KEYS ("k2:<base64 32 bytes>,k1:<base64>",
current key first). Key material is never printed.

  status   records per key id, plaintext records, unknown key ids, and which
           older keys no record uses any more (safe to remove from the ring)
  rotate   re-encrypts every record not under the current key, each under the
           refresh lease for that record (applications may keep running);
           idempotent: run it again after a crash. Progress on stderr.

Options:
  --json      (status) one JSON object on stdout
  -h, --help  this help
Exit code 4 when rotate could not re-encrypt some records (their ids and codes are listed).
`,
  async run(args, { io, importer }) {
    const { values, positionals } = parseCommandArgs('keys', args, { json: { type: 'boolean' } }, 2);
    if (values.help) return io.out(this.help), ExitCode.OK;
    const [action, url] = positionals as [string, string];
    if (action !== 'status' && action !== 'rotate') throw usageError(`keys: unknown action "${action}" (status or rotate)`);
    const { raw } = await openStore(url, { importer });
    const store = applicationView(raw, true) as EncryptedStore;
    try {
      if (action === 'status') {
        const status = await keyStatus(store);
        if (values.json) io.out(`${JSON.stringify(status, null, 2)}\n`);
        else {
          io.out(`records: ${status.total}\ncurrent key: ${status.currentKeyId}\n`);
          for (const [id, count] of Object.entries(status.byKey)) io.out(`  key ${id}: ${count}\n`);
          io.out(`plaintext: ${status.plaintext}\nunsealed (damaged): ${status.unsealed}\nnot under the current key: ${status.notCurrent}\n`);
          io.out(`unknown key ids: ${status.unknownKeyIds.join(', ') || '-'}\nremovable from the ring: ${status.removableKeyIds.join(', ') || '-'}\n`);
        }
        return ExitCode.OK;
      }
      let bar: ReturnType<typeof progress> | undefined;
      const result = await rotateKeys(store, {
        onProgress: ({ done, total }) => {
          bar ??= progress(io, 'rotate', total);
          bar.update(done);
        },
      });
      (bar ?? progress(io, 'rotate', result.total)).finish(result.done);
      io.out(`rotated: ${result.reencrypted} re-encrypted, ${result.total} records, ${result.failed.length} failed\n`);
      if (result.failed.length > 0) {
        for (const failure of result.failed) io.err(`rotate: ${failure.id === null ? '(a record without an id)' : terminalText(failure.id)}: ${failure.code}\n`);
        throw new TokenStoreError(CliErrorCode.CHECK_FAILED, `keys rotate: ${result.failed.length} records were not re-encrypted; run it again`);
      }
      return ExitCode.OK;
    } finally {
      await closeQuietly(store);
    }
  },
};
