import { readFile } from 'node:fs/promises';
import { emptyRecord, OAuthToken, parseExpiresAt, TokenStoreError, type RecordField, type TokenRecord, type TokenStore } from '@tokenstore/core';

/**
 * The Zoho SDKs' FileStore format (`sdk_tokens.txt`): a CSV file with a header row. Current SDKs write
 *   id,user_name,client_id,client_secret,refresh_token,access_token,grant_token,expiry_time,redirect_url,api_domain
 * older Node SDKs wrote `user_mail` and no `api_domain`; the Python SDK's constant for the redirect
 * column is REDIRECT_URI. The Node SDK joins values with "," and no quoting, the Python and Java SDKs
 * quote per RFC 4180, so the reader accepts both. An empty cell means "absent". `expiry_time` is the
 * absolute expiry in epoch milliseconds, as text.
 */
const COLUMN_FIELDS: Readonly<Record<string, RecordField>> = {
  id: 'id',
  user_name: 'userName',
  user_mail: 'userName',
  client_id: 'clientId',
  client_secret: 'clientSecret',
  refresh_token: 'refreshToken',
  access_token: 'accessToken',
  grant_token: 'grantToken',
  expiry_time: 'expiresAt',
  redirect_url: 'redirectUrl',
  redirect_uri: 'redirectUrl',
  api_domain: 'apiDomain',
};

export interface ZohoImportResult {
  /** How many rows were saved (a row that matches an existing record updates it). */
  imported: number;
  /** The stored tokens, in file order. */
  tokens: OAuthToken[];
}

/**
 * Parses the content of a Zoho `sdk_tokens.txt` into records. Errors name the file and line, never a
 * cell's value (the cells are secrets). Unknown columns are ignored; blank lines are skipped.
 */
export function parseZohoCsv(text: string, source = 'Zoho token file'): TokenRecord[] {
  const rows = parseCsv(text.replace(/^\uFEFF/, ''), source);
  const header = rows.shift();
  if (header === undefined) throw invalid(source, 'it is empty (no header row)');
  const fields = header.cells.map((name) => COLUMN_FIELDS[name.trim().toLowerCase()]);
  if (!fields.some((f) => f === 'refreshToken' || f === 'accessToken' || f === 'grantToken')) {
    throw invalid(source, 'its header has no refresh_token, access_token or grant_token column; is it a Zoho sdk_tokens.txt?');
  }
  const records: TokenRecord[] = [];
  for (const row of rows) {
    if (row.cells.every((cell) => cell === '')) continue;
    if (row.cells.length > fields.length) throw invalid(source, `line ${row.line} has ${row.cells.length} cells but the header has ${fields.length}`);
    const record = emptyRecord();
    row.cells.forEach((cell, i) => {
      const field = fields[i];
      if (field === undefined || cell === '') return;
      if (field === 'expiresAt') {
        try {
          record.expiresAt = parseExpiresAt(cell);
        } catch {
          throw invalid(source, `line ${row.line}: expiry_time is not an integer (epoch milliseconds)`);
        }
      } else {
        record[field] = cell;
      }
    });
    records.push(record);
  }
  return records;
}

/**
 * One-time migration: saves every token of a Zoho `sdk_tokens.txt` into `store`, row by row through
 * `saveToken` (so the usual matching applies: a row whose id or user already exists updates that
 * record, and running the import twice changes nothing). Ids are kept; a row without one gets a
 * generated id. The CSV file is only read, never changed.
 */
export async function importZohoCsv(store: TokenStore, csvPath: string): Promise<ZohoImportResult> {
  if (typeof csvPath !== 'string' || csvPath === '') throw new TokenStoreError('INVALID_ARGUMENT', 'importZohoCsv: csvPath must be a non-empty string');
  let text: string;
  try {
    text = await readFile(csvPath, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? 'error';
    throw new TokenStoreError(code === 'ENOENT' ? 'INVALID_ARGUMENT' : 'STORE_UNAVAILABLE', `importZohoCsv: cannot read ${csvPath} (${code})`, { cause: error });
  }
  const tokens: OAuthToken[] = [];
  for (const record of parseZohoCsv(text, csvPath)) tokens.push(await store.saveToken(OAuthToken.fromRecord(record)));
  return { imported: tokens.length, tokens };
}

function invalid(source: string, why: string): TokenStoreError {
  return new TokenStoreError('INVALID_ARGUMENT', `importZohoCsv: ${source}: ${why}`);
}

interface CsvRow {
  /** 1-based line where the row starts. */
  line: number;
  cells: string[];
}

/** RFC 4180: "," separates cells, CRLF or LF ends a row, "..." quotes a cell, "" is a quote inside one. */
function parseCsv(text: string, source: string): CsvRow[] {
  const rows: CsvRow[] = [];
  let cells: string[] = [];
  let cell = '';
  let line = 1;
  let rowLine = 1;
  let i = 0;
  let quoted = false;
  let quoteLine = 0;
  const endRow = () => {
    cells.push(cell);
    rows.push({ line: rowLine, cells });
    cells = [];
    cell = '';
  };
  while (i < text.length) {
    const c = text[i] as string;
    if (quoted) {
      if (c === '"') {
        if (text[i + 1] === '"') {
          cell += '"';
          i += 2;
          continue;
        }
        quoted = false;
      } else {
        if (c === '\n') line++;
        cell += c;
      }
      i++;
      continue;
    }
    if (c === '"' && cell === '') {
      quoted = true;
      quoteLine = line;
    } else if (c === ',') {
      cells.push(cell);
      cell = '';
    } else if (c === '\n' || c === '\r') {
      if (c === '\r' && text[i + 1] === '\n') i++;
      endRow();
      line++;
      rowLine = line;
    } else {
      cell += c;
    }
    i++;
  }
  if (quoted) throw invalid(source, `line ${quoteLine}: a quoted cell is never closed`);
  if (cell !== '' || cells.length > 0) endRow();
  return rows;
}
