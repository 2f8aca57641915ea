/**
 * Token files written by the real SDKs' FileStores (their own saveToken), and what those SDKs read
 * back from them (their own getTokens): the importer must agree with the second, given the first.
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tsSdk from '@zohocrm/typescript-sdk-8.0';
// @ts-expect-error the Node.js SDK ships no type declarations
import * as nodeSdk from '@zohocrm/nodejs-sdk-8.0';

export type SdkName = 'typescript' | 'nodejs';
const SDKS = { typescript: tsSdk as any, nodejs: nodeSdk as any };

export interface SdkRow {
  id?: string | null;
  user?: string | null;
  clientId?: string | null;
  clientSecret?: string | null;
  refreshToken?: string | null;
  accessToken?: string | null;
  grantToken?: string | null;
  expiresIn?: string | null;
  redirectUrl?: string | null;
  apiDomain?: string | null;
}

/** Saves `rows` through the SDK's own FileStore into a new file; returns its path and text. */
export async function writeWithSdk(name: SdkName, rows: SdkRow[]): Promise<{ path: string; text: string }> {
  const sdk = SDKS[name];
  const path = join(mkdtempSync(join(tmpdir(), `zoho-${name}-file-`)), 'sdk_tokens.txt');
  const store = new sdk.FileStore(path);
  for (const row of rows) {
    const token = new sdk.OAuthToken(row.clientId ?? null, row.clientSecret ?? null, row.grantToken ?? null, row.refreshToken ?? null, row.redirectUrl ?? null, row.id ?? null, row.accessToken ?? null, row.user ? new sdk.UserSignature(row.user) : null);
    if (row.expiresIn != null) token.setExpiresIn(row.expiresIn);
    token.setAPIDomain(row.apiDomain ?? null);
    await store.saveToken(token);
  }
  return { path, text: readFileSync(path, 'utf8') };
}

/** What the SDK's FileStore reads back from `path` (getTokens), as plain rows. */
export async function readWithSdk(name: SdkName, path: string): Promise<SdkRow[]> {
  const store = new SDKS[name].FileStore(path);
  const tokens = (await store.getTokens()) ?? [];
  return tokens.map((t: any) => ({
    id: t.getId(),
    user: t.getUserSignature()?.getName() ?? null,
    clientId: t.getClientId(),
    clientSecret: t.getClientSecret(),
    refreshToken: t.getRefreshToken(),
    accessToken: t.getAccessToken(),
    grantToken: t.getGrantToken(),
    expiresIn: t.getExpiresIn() ?? null,
    redirectUrl: t.getRedirectURL(),
    apiDomain: t.getAPIDomain(),
  }));
}
