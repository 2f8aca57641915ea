import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { OAuthToken, isTokenStoreError } from '@tokenstore/core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FileStore, importZohoCsv, parseZohoCsv } from '../src/index.js';
import { tempDir } from './helpers.js';

const fixtures = join(dirname(fileURLToPath(import.meta.url)), 'fixtures');
let dir: string;
let cleanup: () => void;
beforeEach(() => ({ dir, cleanup } = tempDir()));
afterEach(() => cleanup());

function invalid(fn: () => unknown, pattern: RegExp, secret?: string): void {
  try {
    fn();
  } catch (error) {
    expect(isTokenStoreError(error, 'INVALID_ARGUMENT')).toBe(true);
    expect((error as Error).message).toMatch(pattern);
    if (secret) expect((error as Error).message).not.toContain(secret);
    return;
  }
  throw new Error('expected INVALID_ARGUMENT');
}

describe('FileStore#importZohoCsv', () => {
  it("migrates the current Zoho Node SDK's sdk_tokens.txt, keeping ids and leaving the CSV unchanged", async () => {
    const csv = join(fixtures, 'sdk_tokens.txt');
    const before = readFileSync(csv);
    const store = new FileStore({ path: join(dir, 'tokens.json') });
    const result = await store.importZohoCsv(csv);
    expect(result.imported).toBe(3);
    expect(result.tokens.map((t) => t.toRecord())).toEqual([
      { id: '1', userName: 'alice@example.com', clientId: '1000.CLIENTAAAA', clientSecret: 'secretaaaa', refreshToken: '1000.refresh.alice', accessToken: '1000.access.alice', grantToken: null, expiresAt: 1_712_345_678_901, redirectUrl: 'https://app.example.com/callback', apiDomain: 'https://www.zohoapis.com', tokenType: null, scope: null },
      { id: '2', userName: 'bob@example.com', clientId: '1000.CLIENTAAAA', clientSecret: 'secretaaaa', refreshToken: '1000.refresh.bob', accessToken: null, grantToken: null, expiresAt: null, redirectUrl: 'https://app.example.com/callback', apiDomain: 'https://www.zohoapis.eu', tokenType: null, scope: null },
      { id: '3', userName: null, clientId: '1000.CLIENTBBBB', clientSecret: 'secretbbbb', refreshToken: null, accessToken: null, grantToken: '1000.grant.pending', expiresAt: null, redirectUrl: 'https://app.example.com/callback', apiDomain: null, tokenType: null, scope: null },
    ]);
    expect(readFileSync(csv).equals(before)).toBe(true);
    // The migrated tokens are found the usual ways.
    const reopened = new FileStore({ path: join(dir, 'tokens.json') });
    expect((await reopened.findToken(new OAuthToken({ userSignature: { name: 'bob@example.com' } })))?.id).toBe('2');
    expect((await reopened.findToken(new OAuthToken({ clientId: '1000.CLIENTAAAA', refreshToken: '1000.refresh.alice' })))?.id).toBe('1');
    expect((await reopened.findToken(new OAuthToken({ clientId: '1000.CLIENTBBBB', grantToken: '1000.grant.pending' })))?.id).toBe('3');
  });

  it('is idempotent: importing twice leaves the same records', async () => {
    const store = new FileStore({ path: join(dir, 'tokens.json') });
    await store.importZohoCsv(join(fixtures, 'sdk_tokens.txt'));
    const first = (await store.getTokens()).map((t) => t.toRecord());
    await store.importZohoCsv(join(fixtures, 'sdk_tokens.txt'));
    expect((await store.getTokens()).map((t) => t.toRecord())).toEqual(first);
  });

  it('reads the quoted (Python/Java SDK) form, CRLF line ends, the old user_mail header and a missing api_domain column', async () => {
    const store = new FileStore({ path: join(dir, 'tokens.json') });
    const { tokens } = await store.importZohoCsv(join(fixtures, 'sdk_tokens_quoted.txt'));
    expect(tokens.map((t) => t.toRecord())).toEqual([
      { id: '7', userName: 'carol@example.com', clientId: '1000.CLIENTCCCC', clientSecret: 'sec,ret', refreshToken: '1000.refresh."carol"', accessToken: null, grantToken: null, expiresAt: 1_712_345_678_901, redirectUrl: 'https://x.example.com/cb', apiDomain: null, tokenType: null, scope: null },
    ]);
  });

  it('works with any TokenStore through importZohoCsv(store, path)', async () => {
    const store = new FileStore({ path: join(dir, 'tokens.json') });
    expect((await importZohoCsv(store, join(fixtures, 'sdk_tokens.txt'))).imported).toBe(3);
  });

  it('a missing CSV is INVALID_ARGUMENT naming the path', async () => {
    const store = new FileStore({ path: join(dir, 'tokens.json') });
    await expect(store.importZohoCsv(join(dir, 'nope.txt'))).rejects.toMatchObject({ code: 'INVALID_ARGUMENT', message: expect.stringContaining('nope.txt') });
  });
});

describe('parseZohoCsv', () => {
  const header = 'id,user_name,client_id,client_secret,refresh_token,access_token,grant_token,expiry_time,redirect_url,api_domain';

  it('skips blank lines, treats empty cells as absent, ignores unknown columns, strips a BOM', () => {
    const records = parseZohoCsv(`\uFEFF${header},extra\n\n1,u,c,,r,,,,,,ignored\n\n`);
    expect(records).toEqual([expect.objectContaining({ id: '1', userName: 'u', clientId: 'c', clientSecret: null, refreshToken: 'r' })]);
    expect(records[0]).not.toHaveProperty('extra');
  });

  it('keeps quoted newlines and quotes inside a cell', () => {
    expect(parseZohoCsv(`${header}\n1,"multi\nline","say ""hi""",,r\n`)[0]).toMatchObject({ userName: 'multi\nline', clientId: 'say "hi"' });
  });

  it('refuses files that are not Zoho token files, naming the line but never a value', () => {
    const secret = 'SECRET-REFRESH-123';
    invalid(() => parseZohoCsv(''), /empty/);
    invalid(() => parseZohoCsv('name,email\na,b'), /no refresh_token, access_token or grant_token column/);
    invalid(() => parseZohoCsv(`${header}\n1,u,c,s,${secret},a,g,not-a-number`, 'x.txt'), /x\.txt: line 2: expiry_time is not an integer/, secret);
    invalid(() => parseZohoCsv(`${header}\n\n1,u,c,s,${secret},a,g,1,r,d,extra`), /line 3 has 11 cells but the header has 10/, secret);
    invalid(() => parseZohoCsv(`${header}\n1,"${secret}`), /line 2: a quoted cell is never closed/, secret);
  });

  it('accepts a header only file as no tokens', () => {
    writeFileSync(join(dir, 'h.txt'), header);
    expect(parseZohoCsv(header)).toEqual([]);
  });
});
