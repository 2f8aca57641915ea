/**
 * Records whose values a store accepts (they round-trip exactly) but a terminal or a Date does not:
 * an expiry at the ends of the safe integers, and user names, ids and other shown fields holding
 * control characters (a newline that forges a row of `list`, an escape sequence that recolours or
 * clears the terminal). `list` and `show` print them without failing and without a raw control
 * character; `--json` keeps them exactly.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { OAuthToken } from '@tokenstore/core';
import { FileStore } from '@tokenstore/store-file';
import { ExitCode } from '../src/exit-codes.js';
import { cli } from './helpers/in-process.js';

/** Every control character (C0, DEL, C1) except the newline ending each printed line. */
const RAW_CONTROL = /[\u0000-\u0009\u000B-\u001F\u007F-\u009F]/;
const FORGED = 'forged-user  forged-id  -  1h  valid';
const HOSTILE = `mallory\u001b[2J\u001b[31m\r\n${FORGED}\u0007\u009b`;

let dir: string;
let url: string;

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'tokenstore-cli-adversarial-'));
  url = `file:${join(dir, 'tokens.json')}`;
  const store = new FileStore({ path: join(dir, 'tokens.json') });
  await store.saveToken(new OAuthToken({ id: 'far-future', userSignature: { name: 'far' }, accessToken: 'A-far', expiresAt: Number.MAX_SAFE_INTEGER }));
  await store.saveToken(new OAuthToken({ id: 'far-past', userSignature: { name: 'past' }, refreshToken: 'R-past', expiresAt: Number.MIN_SAFE_INTEGER }));
  await store.saveToken(new OAuthToken({ id: `id-${HOSTILE}`, userSignature: { name: HOSTILE }, clientId: HOSTILE, scope: HOSTILE, redirectUrl: HOSTILE, apiDomain: HOSTILE, tokenType: HOSTILE }));
  await store.close();
});

afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('list and show with hostile record values', () => {
  it('show: an expiry beyond what a Date can hold is printed, not an unexpected failure', async () => {
    for (const id of ['far-future', 'far-past']) {
      const { code, out, err } = await cli(['show', url, id]);
      expect(err, id).toBe('');
      expect(code, id).toBe(ExitCode.OK);
      expect(out, id).toMatch(/^expires at: +\S/m);
    }
  });

  it('list and show print control characters escaped: no raw one, no forged row or field', async () => {
    const listed = await cli(['list', url]);
    expect(listed.code).toBe(ExitCode.OK);
    expect(listed.out).not.toMatch(RAW_CONTROL);
    // The header, three rows and the count: the newline in the user name forged no fourth row.
    expect(listed.out.split('\n').filter(Boolean)).toHaveLength(5);
    expect(listed.out).not.toMatch(new RegExp(`^${FORGED}`, 'm'));

    const shown = await cli(['show', url, HOSTILE]);
    expect(shown.code).toBe(ExitCode.OK);
    expect(shown.out).not.toMatch(RAW_CONTROL);
    expect(shown.out.split('\n').filter(Boolean)).toHaveLength(14);
  });

  it('--json keeps the values exactly (JSON escapes them itself)', async () => {
    const { out } = await cli(['show', url, HOSTILE, '--json']);
    const view = JSON.parse(out) as Record<string, unknown>;
    expect([view.user, view.clientId, view.scope, view.redirectUrl, view.apiDomain, view.tokenType, view.id]).toEqual([HOSTILE, HOSTILE, HOSTILE, HOSTILE, HOSTILE, HOSTILE, `id-${HOSTILE}`]);
  });
});

describe('delete with a hostile user name', () => {
  it('prints what it deleted with control characters escaped', async () => {
    const { code, out } = await cli(['delete', url, HOSTILE]);
    expect(code).toBe(ExitCode.OK);
    expect(out).not.toMatch(RAW_CONTROL);
    expect(out.split('\n').filter(Boolean)).toHaveLength(1);
  });
});

describe('errors naming a hostile id', () => {
  it('migrate into a store where an id with control characters owns the user: the error prints them escaped', async () => {
    const target = join(dir, 'target.json');
    const owner = new FileStore({ path: target });
    await owner.saveToken(new OAuthToken({ id: `owner-${HOSTILE}`, userSignature: { name: 'far' }, accessToken: 'A-owner' }));
    await owner.close();
    const { code, out, err } = await cli(['migrate', '--from', url, '--to', `file:${target}`]);
    expect(code).not.toBe(ExitCode.OK);
    expect(err).toContain('STORE_CONFLICT');
    expect(out + err).not.toMatch(RAW_CONTROL);
  });
});
