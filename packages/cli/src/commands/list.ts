import type { Command } from '../command.js';
import { applicationView, closeQuietly, openStore } from '../open-store.js';
import { parseCommandArgs } from '../parse-args.js';
import { formatDuration, tokenView, type TokenView } from '../token-view.js';
import { ExitCode } from '../exit-codes.js';
import { terminalText } from '../terminal-text.js';

export const listCommand: Command = {
  name: 'list',
  summary: 'list the tokens of a store (user, id, client id, expires in, state)',
  help: `Usage: tokenstore list <store-url> [--json]

Lists every token: user, id, client id, expires in, state (valid / expired /
needs re-authorization). Never shows a secret: only whether one is present.
With TOKENSTORE_KEYS set, an encrypted store is read through that key ring.

Options:
  --json      one JSON array on stdout (fields: id, user, clientId, expiresAt,
              expiresInMs, state, hasAccessToken, hasRefreshToken, hasGrantToken,
              hasClientSecret, redirectUrl, apiDomain, tokenType, scope)
  -h, --help  this help
`,
  async run(args, { io, importer }) {
    const { values, positionals } = parseCommandArgs('list', args, { json: { type: 'boolean' } }, 1);
    if (values.help) return io.out(this.help), ExitCode.OK;
    const opened = await openStore(positionals[0] as string, { importer });
    const store = applicationView(opened.raw);
    try {
      const now = io.now();
      const views = (await store.getTokens()).map((token) => tokenView(token, now));
      views.sort((a, b) => (a.user ?? '\uffff').localeCompare(b.user ?? '\uffff') || (a.id ?? '').localeCompare(b.id ?? ''));
      io.out(values.json ? `${JSON.stringify(views, null, 2)}\n` : table(views));
      return ExitCode.OK;
    } finally {
      await closeQuietly(store);
    }
  },
};

function table(views: TokenView[]): string {
  const rows = [['USER', 'ID', 'CLIENT ID', 'EXPIRES IN', 'STATE'], ...views.map((v) => [v.user ?? '-', v.id ?? '-', v.clientId ?? '-', formatDuration(v.expiresInMs), v.state].map(terminalText))];
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((row) => row[i]!.length)));
  const lines = rows.map((row) => row.map((cell, i) => (i === row.length - 1 ? cell : cell.padEnd(widths[i]!))).join('  '));
  return `${lines.join('\n')}\n${views.length} token${views.length === 1 ? '' : 's'}\n`;
}
