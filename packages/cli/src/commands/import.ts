import { TokenStoreError, type TokenStore } from '@tokenstore/core';
import type { Command } from '../command.js';
import { CliErrorCode, usageError } from '../cli-error.js';
import { ExitCode } from '../exit-codes.js';
import { loadPackage } from '../load-package.js';
import { applicationView, closeQuietly, openStore } from '../open-store.js';
import { parseCommandArgs } from '../parse-args.js';
import { displayUrl } from '../store-url.js';

/** The part of @tokenstore/zoho the command uses (loaded on demand: an optional peer). */
interface ZohoImports {
  importZohoCsv(source: { path: string }, store: TokenStore, options: { strict?: boolean }): Promise<ZohoImportResult>;
  importZohoTable(source: string, store: TokenStore, options: { strict?: boolean; table?: string }): Promise<ZohoImportResult>;
}
interface ZohoImportResult {
  imported: number;
  skipped: number;
  problems: { line: number; reason: string }[];
}

export const importCommand: Command = {
  name: 'import',
  summary: 'import what the Zoho SDKs left behind: their token file (zoho-csv) or MySQL table (zoho-table)',
  help: `Usage: tokenstore import zoho-csv <sdk_tokens.txt> <store-url> [--strict]
       tokenstore import zoho-table <mysql-url>[?table=oauthtoken] <store-url> [--strict]

Saves every token of a Zoho CRM SDK's FileStore file (CSV, any SDK's dialect) or
DBStore table into the store, through @tokenstore/zoho (install it). A row
matching an existing record updates it, so importing twice imports nothing
twice. The source is only read, never changed. With TOKENSTORE_KEYS set, tokens
are saved encrypted. Rows that cannot be imported are listed (line and reason,
never a value) and the others imported; exit code 4 then.

Options:
  --strict    any problem row: import nothing (exit 2)
  -h, --help  this help
`,
  async run(args, { io, importer }) {
    const { values, positionals } = parseCommandArgs('import', args, { strict: { type: 'boolean' } }, 3);
    if (values.help) return io.out(this.help), ExitCode.OK;
    const [format, source, url] = positionals as [string, string, string];
    if (format !== 'zoho-csv' && format !== 'zoho-table') throw usageError(`import: unknown format "${format}" (zoho-csv or zoho-table)`);
    const zoho = (await loadPackage('@tokenstore/zoho', `import ${format}`, importer)) as unknown as ZohoImports;
    const { raw } = await openStore(url, { importer });
    const store = applicationView(raw);
    try {
      const strict = values.strict === true;
      const result = format === 'zoho-csv' ? await zoho.importZohoCsv({ path: source }, store, { strict }) : await importTable(zoho, source, store, strict);
      for (const problem of result.problems) io.err(`import: ${format === 'zoho-csv' ? 'line' : 'row'} ${problem.line}: ${problem.reason}\n`);
      io.out(`imported ${result.imported} tokens from ${format === 'zoho-csv' ? source : displayUrl(source)}${result.skipped ? `, skipped ${result.skipped}` : ''}\n`);
      if (result.skipped > 0) throw new TokenStoreError(CliErrorCode.CHECK_FAILED, `import: ${result.skipped} rows were not imported (see above)`);
      return ExitCode.OK;
    } finally {
      await closeQuietly(store);
    }
  },
};

/** `?table=` is the CLI's parameter (as in store URLs); the rest of the URI goes to the driver. */
function importTable(zoho: ZohoImports, source: string, store: TokenStore, strict: boolean): Promise<ZohoImportResult> {
  let uri: URL;
  try {
    uri = new URL(source);
  } catch {
    throw new TokenStoreError('INVALID_ARGUMENT', `import zoho-table: "${displayUrl(source)}" is not a mysql:// URL`);
  }
  const table = uri.searchParams.get('table') ?? undefined;
  uri.searchParams.delete('table');
  return zoho.importZohoTable(uri.toString(), store, { strict, ...(table ? { table } : {}) });
}
