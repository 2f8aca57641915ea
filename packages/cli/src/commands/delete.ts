import type { Command } from '../command.js';
import { ExitCode } from '../exit-codes.js';
import { findRecord } from '../find-record.js';
import { closeQuietly, openStore } from '../open-store.js';
import { parseCommandArgs } from '../parse-args.js';
import { terminalText } from '../terminal-text.js';

export const deleteCommand: Command = {
  name: 'delete',
  summary: 'delete one token from the store (the authorization server is not told: see revoke)',
  help: `Usage: tokenstore delete <store-url> <user|id>

Deletes the token with that record id, else the token of that user. The token
stays valid at the authorization server until it expires; use \`revoke\` to end it.

Options:
  -h, --help  this help
Exit code 5 when there is no such token.
`,
  async run(args, { io, importer }) {
    const { values, positionals } = parseCommandArgs('delete', args, {}, 2);
    if (values.help) return io.out(this.help), ExitCode.OK;
    // Ids and user names are stored in plaintext even when encrypted: no key ring needed to delete.
    const { raw } = await openStore(positionals[0] as string, { importer });
    try {
      const token = await findRecord(raw, positionals[1] as string);
      await raw.deleteToken(token.id as string);
      io.out(terminalText(`deleted ${token.id}${token.userSignature ? ` (user ${token.userSignature.name})` : ''}`) + '\n');
      return ExitCode.OK;
    } finally {
      await closeQuietly(raw);
    }
  },
};
