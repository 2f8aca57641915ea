import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { MemoryStore, OAuthToken } from '@tokenstore/core';
import { describe, expect, it } from 'vitest';
import { importZohoCsv, parseZohoCsv } from '../src/index.js';
import { readWithSdk, writeWithSdk, type SdkName, type SdkRow } from './sdk-files.js';

const fixtures = join(dirname(fileURLToPath(import.meta.url)), 'fixtures');
const HEADER = 'id,user_name,client_id,client_secret,refresh_token,access_token,grant_token,expiry_time,redirect_url,api_domain';

/** The row as a tokenstore record would carry it: what the SDK read back, absent as null. */
function asRecord(row: SdkRow) {
  return {
    id: row.id ?? null,
    userName: row.user ?? null,
    clientId: row.clientId ?? null,
    clientSecret: row.clientSecret ?? null,
    refreshToken: row.refreshToken ?? null,
    accessToken: row.accessToken ?? null,
    grantToken: row.grantToken ?? null,
    expiresAt: row.expiresIn == null ? null : Number(row.expiresIn),
    redirectUrl: row.redirectUrl ?? null,
    apiDomain: row.apiDomain ?? null,
    tokenType: null,
    scope: null,
  };
}

const awkward: SdkRow[] = [
  { user: '"john doe"@example.com', clientId: '1000.C', clientSecret: 's1', refreshToken: '1000.r1', accessToken: '1000.a1', expiresIn: '1796122257178', redirectUrl: 'https://app.example.com/cb', apiDomain: 'https://www.zohoapis.com' },
  { user: 'quote@example.com', clientId: '1000.C', clientSecret: '"abc', refreshToken: '1000.r2' },
  { user: 'empty-quotes@example.com', clientId: '1000.C', clientSecret: '""', refreshToken: '1000.r3' },
  { user: 'cr@example.com', clientId: '1000.C', clientSecret: 'ab\rcd', refreshToken: '1000.r4\r' },
  { clientId: '1000.D', clientSecret: 'sd', grantToken: '1000.grant.pending', redirectUrl: 'https://app.example.com/cb' },
  { user: 'ünï😀@example.com', clientId: '1000.C', clientSecret: 'back\\slash %_', refreshToken: '{"json":1}' },
];

describe.each<SdkName>(['typescript', 'nodejs'])('importZohoCsv of a file written by the real %s SDK', (sdk) => {
  it('imports exactly what the SDK itself reads back: quotes, "" and CR are ordinary characters, ids kept', async () => {
    const { path } = await writeWithSdk(sdk, awkward);
    const before = readFileSync(path);
    const sdkReads = await readWithSdk(sdk, path);
    expect(sdkReads).toHaveLength(awkward.length);
    const store = new MemoryStore();
    const result = await importZohoCsv(path, store);
    expect(result.problems).toEqual([]);
    expect(result.imported).toBe(awkward.length);
    expect(result.tokens.map((t) => t.toRecord())).toEqual(sdkReads.map(asRecord));
    expect((await store.findToken(new OAuthToken({ userSignature: { name: '"john doe"@example.com' } })))?.clientSecret).toBe('s1');
    expect(readFileSync(path).equals(before)).toBe(true);
  });

  it('a row the SDK reads shifted (a value with ",") and a truncated row are reported by line, the others imported', async () => {
    const { path, text } = await writeWithSdk(sdk, [
      { user: 'ok@example.com', clientId: '1000.C', clientSecret: 's', refreshToken: '1000.r1' },
      { user: 'comma@example.com', clientId: '1000.C', clientSecret: 'a,b', refreshToken: 'SECRET-REFRESH' },
    ]);
    const truncated = `${text}\n3,short@example.com,1000.C`;
    const store = new MemoryStore();
    const result = await importZohoCsv({ text: truncated }, store);
    expect(result.imported).toBe(1);
    expect(result.skipped).toBe(2);
    expect(result.problems).toEqual([
      { line: 3, reason: expect.stringMatching(/11 cells, the header has 10/) },
      { line: 4, reason: expect.stringMatching(/3 cells, the header has 10 \(truncated row\)/) },
    ]);
    expect(JSON.stringify(result.problems)).not.toContain('SECRET');
    expect((await store.getTokens()).map((t) => t.userSignature?.name)).toEqual(['ok@example.com']);
    void path;
  });
});

describe('importZohoCsv', () => {
  it('migrates the Node SDK fixture into any store, idempotently', async () => {
    const store = new MemoryStore();
    const first = await importZohoCsv({ path: join(fixtures, 'sdk_tokens.txt') }, store);
    expect(first).toMatchObject({ imported: 3, skipped: 0, problems: [] });
    const records = (await store.getTokens()).map((t) => t.toRecord());
    await importZohoCsv(join(fixtures, 'sdk_tokens.txt'), store);
    expect((await store.getTokens()).map((t) => t.toRecord())).toEqual(records);
    expect(records.map((r) => r.id)).toEqual(['1', '2', '3']);
  });

  it('strict: one problem row and nothing is written (INVALID_ARGUMENT naming the line, never a value)', async () => {
    const store = new MemoryStore();
    const text = `${HEADER}\n1,a@example.com,1000.C,s,1000.r,,,,,\n2,b@example.com,1000.C,s,SECRET-R,,,not-a-number,,`;
    await expect(importZohoCsv({ text }, store, { strict: true })).rejects.toMatchObject({ code: 'INVALID_ARGUMENT', message: expect.stringMatching(/line 3: expiry_time is not an integer/) });
    await expect(importZohoCsv({ text }, store, { strict: true })).rejects.toMatchObject({ message: expect.not.stringContaining('SECRET') });
    expect(await store.getTokens()).toEqual([]);
  });

  it('reports rows with no token, a token without client_id, and later duplicates of an id or user (the SDKs read the first)', async () => {
    const text = [HEADER, '1,a@example.com,1000.C,s,1000.r1,,,,,', '2,b@example.com,,,,,,,,', '3,c@example.com,,s,1000.r3,,,,,', '4,a@example.com,1000.C,s,1000.r4,,,,,', '1,d@example.com,1000.C,s,1000.r5,,,,,'].join('\n');
    const result = await importZohoCsv({ text }, new MemoryStore());
    expect(result.imported).toBe(1);
    expect(result.problems.map((p) => [p.line, p.reason])).toEqual([
      [3, 'it has no refresh, access or grant token'],
      [4, 'it has a refresh or grant token but no client_id'],
      [5, 'same user name as line 2 (the SDKs read the first)'],
      [6, 'same id as line 2 (the SDKs read the first)'],
    ]);
  });

  it('reads the older nine-column header (no api_domain), the user_mail header, a BOM; blank lines skipped', () => {
    const nine = '\uFEFFid,user_mail,client_id,client_secret,refresh_token,access_token,grant_token,expiry_time,redirect_url\n\n7,c@example.com,1000.C,s,1000.r,,,1712345678901,https://x.example.com/cb\n';
    const { rows, problems } = parseZohoCsv(nine);
    expect(problems).toEqual([]);
    expect(rows).toEqual([{ line: 3, row: expect.objectContaining({ id: '7', user_name: 'c@example.com', expiry_time: '1712345678901', redirect_url: 'https://x.example.com/cb' }) }]);
  });

  it('refuses a file that is not an SDK token file, and a missing path, as INVALID_ARGUMENT', async () => {
    expect(() => parseZohoCsv('')).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }));
    expect(() => parseZohoCsv('"id","user_name","client_id"\n"1","a","b"')).toThrow(/line 1 is not the Zoho SDKs' header/);
    await expect(importZohoCsv('/nonexistent/sdk_tokens.txt', new MemoryStore())).rejects.toMatchObject({ code: 'INVALID_ARGUMENT', message: expect.stringContaining('/nonexistent/sdk_tokens.txt') });
  });
});
