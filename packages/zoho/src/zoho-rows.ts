/**
 * The Zoho SDKs' token row, shared by the CSV file and the DBStore table: ten positional values, each
 * blank meaning absent, `expiry_time` the absolute expiry in epoch milliseconds as text. Turning a row
 * into a tokenstore token, and saving a batch of them, is one piece of code for both imports.
 */
import { OAuthToken, TokenStoreError, type TokenStore } from '@tokenstore/core';
import { epochMillis } from './epoch-millis.js';
import type { ZohoImportOptions, ZohoImportProblem, ZohoImportResult } from './import-result.js';

/** The SDKs' column order (file and table); the user column is `user_mail` (TypeScript SDK) or `user_name` (Node.js SDK, DBStore). */
export const ZOHO_COLUMNS = ['id', 'user_name', 'client_id', 'client_secret', 'refresh_token', 'access_token', 'grant_token', 'expiry_time', 'redirect_url', 'api_domain'] as const;

export type ZohoRow = Partial<Record<(typeof ZOHO_COLUMNS)[number], string | number | null | undefined>>;

export interface LocatedRow {
  line: number;
  row: ZohoRow;
}

const blank = (value: string | number | null | undefined): string | undefined =>
  value === null || value === undefined || value === '' ? undefined : String(value);

/** The token a row stands for, as the SDKs read it; a problem (never quoting a value) when it has none. */
export function tokenOfRow(row: ZohoRow): OAuthToken | string {
  const expiry = blank(row.expiry_time);
  let expiresAt: number | undefined;
  if (expiry !== undefined) {
    expiresAt = epochMillis(expiry);
    if (expiresAt === undefined) return 'expiry_time is not an integer (epoch milliseconds)';
  }
  const user = blank(row.user_name);
  const init = {
    id: blank(row.id),
    userSignature: user === undefined ? undefined : { name: user },
    clientId: blank(row.client_id),
    clientSecret: blank(row.client_secret),
    refreshToken: blank(row.refresh_token),
    accessToken: blank(row.access_token),
    grantToken: blank(row.grant_token),
    expiresAt,
    redirectUrl: blank(row.redirect_url),
    apiDomain: blank(row.api_domain),
  };
  if (!init.refreshToken && !init.accessToken && !init.grantToken) return 'it has no refresh, access or grant token';
  if ((init.refreshToken || init.grantToken) && !init.clientId) return 'it has a refresh or grant token but no client_id';
  try {
    return new OAuthToken(init);
  } catch (error) {
    return `a value cannot be stored (${(error as { code?: string }).code ?? 'INVALID_ARGUMENT'}: NUL or a lone surrogate)`;
  }
}

/**
 * Validates every row first, then saves the good ones in order. Like the SDKs, the first row for an id
 * or a user name is the one that counts (their lookups return the first match); later ones are problems.
 */
export interface ImportRules {
  /** Names of one user for the source (the Zoho MySQL table's `_ci` collation: case-insensitive). Default exact. */
  userKey?: (name: string) => string;
  /** "line" in messages (a CSV line, a table row). */
  unit?: string;
}

export async function importRows(rows: LocatedRow[], initialProblems: ZohoImportProblem[], store: TokenStore, options: ZohoImportOptions, what: string, rules: ImportRules = {}): Promise<ZohoImportResult> {
  const userKeyOf = rules.userKey ?? ((name: string) => name);
  const unit = rules.unit ?? 'line';
  if (!store || typeof store.saveToken !== 'function') throw new TokenStoreError('INVALID_ARGUMENT', `${what}: store must be a tokenstore TokenStore`);
  const problems = [...initialProblems];
  const accepted: OAuthToken[] = [];
  const firstLineOf = new Map<string, number>();
  for (const { line, row } of rows) {
    const token = tokenOfRow(row);
    if (typeof token === 'string') {
      problems.push({ line, reason: token });
      continue;
    }
    const userKey = token.userSignature?.name === undefined ? undefined : `user\u0000${userKeyOf(token.userSignature.name)}`;
    const idKey = token.id === undefined ? undefined : `id\u0000${token.id}`;
    const earlier = [idKey, userKey].map((key) => (key === undefined ? undefined : firstLineOf.get(key))).find((l) => l !== undefined);
    if (earlier !== undefined) {
      problems.push({ line, reason: `same ${idKey && firstLineOf.has(idKey) ? 'id' : 'user name'} as ${unit} ${earlier} (the SDKs read the first)` });
      continue;
    }
    for (const key of [idKey, userKey]) if (key !== undefined) firstLineOf.set(key, line);
    accepted.push(token);
  }
  problems.sort((a, b) => a.line - b.line);
  if (options.strict && problems.length > 0) {
    throw new TokenStoreError('INVALID_ARGUMENT', `${what}: nothing imported, ${problems.length} row(s) cannot be imported: ${problems.map((p) => `${unit} ${p.line}: ${p.reason}`).join('; ')}`);
  }
  const tokens: OAuthToken[] = [];
  for (const token of accepted) tokens.push(await store.saveToken(token));
  return { imported: tokens.length, skipped: problems.length, problems, tokens };
}
