/**
 * Import of the Zoho SDKs' FileStore (`sdk_tokens.txt`) into any tokenstore store.
 *
 * Read exactly as the SDKs read it, because that is the only reading that gives back what they wrote.
 * The TypeScript SDK 8.0 (3.x) and the Node.js SDK 8.0 (2.x) both write `cells.join(",")` (no quoting,
 * no escaping, null as an empty cell) and read `text.split("\n")`, then `line.split(",")`, taking the
 * cells by position. So a `"` is an ordinary character, a CR is part of a value, only LF ends a row,
 * and a value containing "," shifts every later cell of its row: such a row (more cells than the
 * header) cannot be read back by the SDK either, and is reported, as is a row with too few cells.
 * Header: `id,user_mail,...` (TypeScript SDK) or `id,user_name,...` (Node.js SDK), ten columns, or
 * the older nine without `api_domain` (the SDKs add an empty one to every row on open).
 */
import { readFile } from 'node:fs/promises';
import { TokenStoreError, type TokenStore } from '@tokenstore/core';
import type { ZohoImportOptions, ZohoImportProblem, ZohoImportResult } from './import-result.js';
import { importRows, ZOHO_COLUMNS, type LocatedRow, type ZohoRow } from './zoho-rows.js';

/** The file's text, or its path. A plain string is a path. */
export type ZohoCsvSource = string | { path: string } | { text: string; name?: string };

export interface ZohoCsvParseResult {
  rows: LocatedRow[];
  problems: ZohoImportProblem[];
}

const USER_COLUMNS = new Set(['user_mail', 'user_name']);

/** Parses an `sdk_tokens.txt` as the SDKs read it. A file whose header is not the SDKs' is INVALID_ARGUMENT. */
export function parseZohoCsv(text: string, source = 'Zoho token file'): ZohoCsvParseResult {
  if (typeof text !== 'string') throw new TokenStoreError('INVALID_ARGUMENT', 'parseZohoCsv: text must be a string');
  const lines = text.split('\n');
  const header = (lines[0] ?? '').replace(/^\uFEFF/, '').replace(/\r$/, '').split(',');
  const width = header.length;
  const expected = ZOHO_COLUMNS.slice(0, width);
  const headerOk =
    (width === 10 || width === 9) && header.every((name, i) => (i === 1 ? USER_COLUMNS.has(name) : name === expected[i]));
  if (!headerOk) {
    throw new TokenStoreError(
      'INVALID_ARGUMENT',
      `importZohoCsv: ${source}: line 1 is not the Zoho SDKs' header (id,user_mail or user_name,client_id,client_secret,refresh_token,access_token,grant_token,expiry_time,redirect_url[,api_domain]); is it an sdk_tokens.txt written by the TypeScript or Node.js SDK?`,
    );
  }
  const rows: LocatedRow[] = [];
  const problems: ZohoImportProblem[] = [];
  for (let i = 1; i < lines.length; i++) {
    const line = lines[i] as string;
    if (line.trim() === '') continue; // the SDKs skip and drop blank lines too
    const cells = line.split(',');
    if (cells.length !== width) {
      problems.push({
        line: i + 1,
        reason:
          cells.length > width
            ? `${cells.length} cells, the header has ${width} (a value contains ","; the SDKs themselves read this row shifted)`
            : `${cells.length} cells, the header has ${width} (truncated row)`,
      });
      continue;
    }
    const row: ZohoRow = {};
    ZOHO_COLUMNS.forEach((column, c) => {
      if (c < width) row[column] = cells[c];
    });
    rows.push({ line: i + 1, row });
  }
  return { rows, problems };
}

/**
 * Saves every row of a Zoho `sdk_tokens.txt` into `store` through `saveToken` (usual matching: a row
 * whose id or user already exists updates that record; importing twice changes nothing). Ids are kept.
 * The file is only read. Problem rows are reported by line and skipped (or, with `strict`, nothing is
 * written). Works with any TokenStore.
 */
export async function importZohoCsv(source: ZohoCsvSource, store: TokenStore, options: ZohoImportOptions = {}): Promise<ZohoImportResult> {
  const { text, name } = await readSource(source);
  const { rows, problems } = parseZohoCsv(text, name);
  return importRows(rows, problems, store, options, `importZohoCsv: ${name}`);
}

async function readSource(source: ZohoCsvSource): Promise<{ text: string; name: string }> {
  if (source !== null && typeof source === 'object' && 'text' in source && typeof source.text === 'string') {
    return { text: source.text, name: source.name ?? 'Zoho token file' };
  }
  const path = typeof source === 'string' ? source : source !== null && typeof source === 'object' && 'path' in source ? source.path : undefined;
  if (typeof path !== 'string' || path === '') throw new TokenStoreError('INVALID_ARGUMENT', 'importZohoCsv: source must be a path, { path } or { text }');
  try {
    return { text: await readFile(path, 'utf8'), name: path };
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? 'error';
    throw new TokenStoreError(code === 'ENOENT' || code === 'EISDIR' ? 'INVALID_ARGUMENT' : 'STORE_UNAVAILABLE', `importZohoCsv: cannot read ${path} (${code})`, { cause: error });
  }
}
