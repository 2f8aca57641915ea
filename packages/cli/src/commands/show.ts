import type { Command } from '../command.js';
import { ExitCode } from '../exit-codes.js';
import { findRecord } from '../find-record.js';
import { applicationView, closeQuietly, openStore } from '../open-store.js';
import { parseCommandArgs } from '../parse-args.js';
import { terminalText } from '../terminal-text.js';
import { formatDuration, tokenView } from '../token-view.js';

export const showCommand: Command = {
  name: 'show',
  summary: 'show one token (by user name or id), without its secrets',
  help: `Usage: tokenstore show <store-url> <user|id> [--json]

Shows one token, looked up by record id first, then by user name. Secrets are
never shown, only whether each is present.

Options:
  --json      one JSON object on stdout (the fields of \`tokenstore list --json\`)
  -h, --help  this help
Exit code 5 when there is no such token.
`,
  async run(args, { io, importer }) {
    const { values, positionals } = parseCommandArgs('show', args, { json: { type: 'boolean' } }, 2);
    if (values.help) return io.out(this.help), ExitCode.OK;
    const opened = await openStore(positionals[0] as string, { importer });
    const store = applicationView(opened.raw);
    try {
      const now = io.now();
      const view = tokenView(await findRecord(store, positionals[1] as string), now);
      if (values.json) {
        io.out(`${JSON.stringify(view, null, 2)}\n`);
      } else {
        const yes = (b: boolean) => (b ? 'present' : 'absent');
        const lines: [string, string][] = [
          ['id', view.id ?? '-'],
          ['user', view.user ?? '-'],
          ['client id', view.clientId ?? '-'],
          ['state', view.state],
          ['expires at', view.expiresAt === null ? '-' : isoDate(view.expiresAt)],
          ['expires in', formatDuration(view.expiresInMs)],
          ['access token', yes(view.hasAccessToken)],
          ['refresh token', yes(view.hasRefreshToken)],
          ['grant token', yes(view.hasGrantToken)],
          ['client secret', yes(view.hasClientSecret)],
          ['redirect url', view.redirectUrl ?? '-'],
          ['api domain', view.apiDomain ?? '-'],
          ['token type', view.tokenType ?? '-'],
          ['scope', view.scope ?? '-'],
        ];
        io.out(lines.map(([k, v]) => `${`${k}:`.padEnd(15)}${terminalText(v)}\n`).join(''));
      }
      return ExitCode.OK;
    } finally {
      await closeQuietly(store);
    }
  },
};

/** A store holds any safe integer as the expiry; a Date only ±8.64e15 ms: beyond that, the number itself. */
function isoDate(epochMs: number): string {
  const date = new Date(epochMs);
  return Number.isNaN(date.getTime()) ? `${epochMs} (epoch ms, beyond the dates a Date can hold)` : date.toISOString();
}
