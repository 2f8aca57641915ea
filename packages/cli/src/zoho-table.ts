import { TokenStoreError, type TokenRecord } from '@tokenstore/core';
import { loadPackage, type PackageImporter } from './load-package.js';
import { displayUrl } from './store-url.js';

/** The Zoho SDKs' DBStore default table. */
const DEFAULT_TABLE = 'oauthtoken';

/**
 * Reads a Zoho SDK's DBStore table (MySQL) read-only, and maps it with store-file's Zoho column rules
 * (the table has the same columns as the SDKs' CSV file: id, user_name or user_mail, client_id, ...),
 * by handing the rows to `parseZohoCsv` as CSV: one mapping of Zoho columns, not two.
 * Not through MySQLStore: opening it would migrate the Zoho table in place.
 */
export async function readZohoTable(url: string, importer?: PackageImporter): Promise<TokenRecord[]> {
  if (!/^mysql:\/\//i.test(url)) throw new TokenStoreError('INVALID_ARGUMENT', `import zoho-table: "${displayUrl(url)}" is not a mysql:// URL`);
  const parsed = new URL(url);
  const table = parsed.searchParams.get('table') ?? DEFAULT_TABLE;
  if (!/^[A-Za-z0-9_]{1,64}$/.test(table)) throw new TokenStoreError('INVALID_ARGUMENT', 'import zoho-table: table must be letters, digits and _');
  parsed.searchParams.delete('table');
  const mysql = (await loadPackage('mysql2/promise', 'import zoho-table', importer)) as {
    createConnection(uri: string): Promise<{ query(sql: string): Promise<[Record<string, unknown>[], { name: string }[]]>; end(): Promise<void> }>;
  };
  const { parseZohoCsv } = (await loadPackage('@tokenstore/store-file', 'import zoho-table', importer)) as { parseZohoCsv: (text: string, source: string) => TokenRecord[] };
  let connection;
  try {
    connection = await mysql.createConnection(parsed.toString());
  } catch (error) {
    throw new TokenStoreError('STORE_UNAVAILABLE', `import zoho-table: cannot connect to ${displayUrl(url)}`, { cause: error });
  }
  try {
    const [rows, fields] = await connection.query(`SELECT * FROM \`${table}\``);
    const names = fields.map((f) => f.name);
    const csv = [names.map(cell).join(','), ...rows.map((row) => names.map((n) => cell(row[n])).join(','))].join('\n');
    return parseZohoCsv(`${csv}\n`, `table ${table}`);
  } catch (error) {
    if (error instanceof TokenStoreError) throw error;
    throw new TokenStoreError('STORE_FAILURE', `import zoho-table: cannot read table ${table}`, { cause: error });
  } finally {
    await connection.end().catch(() => undefined);
  }
}

/** One RFC 4180 cell: NULL is empty (absent), everything quoted. */
function cell(value: unknown): string {
  if (value === null || value === undefined) return '';
  const text = value instanceof Date ? String(value.getTime()) : Buffer.isBuffer(value) ? value.toString('utf8') : String(value);
  return `"${text.replace(/"/g, '""')}"`;
}
