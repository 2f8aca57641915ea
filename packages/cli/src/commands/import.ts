import { OAuthToken, TokenStoreError, type TokenRecord, type TokenStore } from '@tokenstore/core';
import type { Command, CommandContext } from '../command.js';
import { usageError } from '../cli-error.js';
import { copyRecords } from '../copy-records.js';
import { ExitCode } from '../exit-codes.js';
import { loadPackage } from '../load-package.js';
import { applicationView, closeQuietly, openStore } from '../open-store.js';
import { parseCommandArgs } from '../parse-args.js';
import { progress } from '../progress.js';
import { readZohoTable } from '../zoho-table.js';

export const importCommand: Command = {
  name: 'import',
  summary: "import what the Zoho SDKs left behind: their token file (zoho-csv) or MySQL table (zoho-table)",
  help: `Usage: tokenstore import zoho-csv <sdk_tokens.txt> <store-url>
       tokenstore import zoho-table <mysql-url>[?table=oauthtoken] <store-url>

Saves every token of a Zoho CRM SDK's FileStore file (CSV, any SDK's dialect) or
DBStore table into the store. A row matching an existing record updates it
(by id, then user), so running it twice imports nothing twice. The source is
only read, never changed. With TOKENSTORE_KEYS set, tokens are saved encrypted.

Options:
  -h, --help  this help
`,
  async run(args, context) {
    const { values, positionals } = parseCommandArgs('import', args, {}, 3);
    if (values.help) return context.io.out(this.help), ExitCode.OK;
    const [format, source, url] = positionals as [string, string, string];
    if (format !== 'zoho-csv' && format !== 'zoho-table') throw usageError(`import: unknown format "${format}" (zoho-csv or zoho-table)`);
    const records = format === 'zoho-csv' ? await csvRecords(source, context) : await readZohoTable(source, context.importer);
    const { raw } = await openStore(url, { importer: context.importer });
    const store = applicationView(raw);
    try {
      await saveAll(records, store, context);
      context.io.out(`imported ${records.length} tokens from ${format === 'zoho-csv' ? source : 'the Zoho table'}\n`);
      return ExitCode.OK;
    } finally {
      await closeQuietly(store);
    }
  },
};

async function csvRecords(path: string, { importer }: CommandContext): Promise<TokenRecord[]> {
  const { readFile } = await import('node:fs/promises');
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw new TokenStoreError('INVALID_ARGUMENT', `import: cannot read ${path} (${(error as NodeJS.ErrnoException).code ?? 'error'})`);
  }
  const { parseZohoCsv } = (await loadPackage('@tokenstore/store-file', 'import zoho-csv', importer)) as { parseZohoCsv: (text: string, source: string) => TokenRecord[] };
  return parseZohoCsv(text, path);
}

async function saveAll(records: TokenRecord[], store: TokenStore, { io }: CommandContext): Promise<void> {
  const tokens = records.map((record) => OAuthToken.fromRecord(record));
  const bar = progress(io, 'import', tokens.length);
  // One at a time: Zoho files may repeat a user (one row per re-authorization); the later row must win.
  await copyRecords(tokens, store, 1, (done) => bar.update(done));
  bar.finish(tokens.length);
}
