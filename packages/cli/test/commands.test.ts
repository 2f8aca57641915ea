import { join } from 'node:path';
import { OAuthToken } from '@tokenstore/core';
import { SQLiteStore } from '@tokenstore/store-sqlite';
import { tempDir } from '@tokenstore/store-testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { COMMANDS } from '../src/commands/index.js';
import { ExitCode } from '../src/exit-codes.js';
import { fixtureRecord, fixtureSecrets, seedSqlite } from './helpers/chain-fixture.js';
import { cli } from './helpers/in-process.js';
import { expectNoSecretPrinted } from './helpers/secret-scan.js';

const COUNT = 40;
const NOW = 1_800_000_000_123 + 20 * 1001; // half the fixture expired, half not
const ALL_SECRETS = Array.from({ length: COUNT }, (_, i) => fixtureSecrets(i)).flat();

describe('tokenstore list / show / delete', () => {
  const { dir, cleanup } = tempDir('tokenstore-cli-cmd-');
  const url = `sqlite:${join(dir, 'tokens.db')}`;
  beforeAll(() => seedSqlite(join(dir, 'tokens.db'), COUNT));
  afterAll(cleanup);

  it('list shows user, id, client id, expires in and state for every token, and no secret in any encoding', async () => {
    const { code, out, err } = await cli(['list', url], { now: () => NOW });
    expect(code).toBe(ExitCode.OK);
    expect(out).toContain('USER');
    expect(out).toContain(`${COUNT} tokens`);
    const r5 = fixtureRecord(5);
    expect(out).toMatch(new RegExp(`${r5.userName}\\s+${r5.id}\\s+${r5.clientId}\\s+-15s\\s+expired`));
    expect(out).toMatch(new RegExp(`${fixtureRecord(30).id}\\s+client-0\\s+10s\\s+valid`));
    // Record 11: expired, no refresh token, no grant token: nothing left to renew it with.
    expect(out).toMatch(new RegExp(`${fixtureRecord(11).id}\\s+client-1\\s+-9s\\s+needs re-authorization`));
    // Record 22: no refresh token either, but its access token is still valid.
    expect(out).toMatch(new RegExp(`${fixtureRecord(22).id}\\s+client-2\\s+2s\\s+valid`));
    expectNoSecretPrinted(out + err, ALL_SECRETS);
  });

  it('list --json is parseable, complete, and has no secret in any encoding', async () => {
    const { code, out, err } = await cli(['list', url, '--json'], { now: () => NOW });
    expect(code).toBe(ExitCode.OK);
    const views = JSON.parse(out) as Record<string, unknown>[];
    expect(views).toHaveLength(COUNT);
    const v7 = views.find((v) => v.id === fixtureRecord(7).id);
    expect(v7).toMatchObject({ user: 'user-7@example.com', clientId: 'client-2', hasGrantToken: true, hasRefreshToken: true, hasClientSecret: true, state: 'expired' });
    expectNoSecretPrinted(out + err, ALL_SECRETS);
  });

  it('show finds a token by id or by user, prints presence only; --json too', async () => {
    const r = fixtureRecord(3);
    for (const key of [r.id as string, r.userName as string]) {
      const shown = await cli(['show', url, key], { now: () => NOW });
      expect(shown.code).toBe(ExitCode.OK);
      expect(shown.out).toContain(`id:            ${r.id}`);
      expect(shown.out).toContain('refresh token: present');
      expectNoSecretPrinted(shown.out + shown.err, ALL_SECRETS);
      const json = await cli(['show', url, key, '--json'], { now: () => NOW });
      expect(JSON.parse(json.out)).toMatchObject({ id: r.id, user: r.userName, hasAccessToken: true });
      expectNoSecretPrinted(json.out + json.err, ALL_SECRETS);
    }
  });

  it('show / delete of an unknown user: exit 5, TOKEN_NOT_FOUND', async () => {
    for (const command of ['show', 'delete']) {
      const { code, err } = await cli([command, url, 'nobody@example.com']);
      expect(code).toBe(ExitCode.NOT_FOUND);
      expect(err).toBe('tokenstore: TOKEN_NOT_FOUND: no token with id or user "nobody@example.com"\n');
    }
  });

  it('delete removes exactly that record', async () => {
    const r = fixtureRecord(4);
    const { code, out } = await cli(['delete', url, r.userName as string]);
    expect(code).toBe(ExitCode.OK);
    expect(out).toBe(`deleted ${r.id} (user ${r.userName})\n`);
    const store = new SQLiteStore({ filename: join(dir, 'tokens.db') });
    try {
      const left = await store.getTokens();
      expect(left).toHaveLength(COUNT - 1);
      expect(left.some((t) => t.id === r.id)).toBe(false);
    } finally {
      await store.close();
    }
  });

  it('an error quoting a secret the user typed still prints none (a token pasted as the user name)', async () => {
    const secret = fixtureRecord(9).refreshToken as string;
    const { code, err } = await cli(['show', url, secret]);
    // The argument is echoed as the user typed it: that is the user's own input, not a stored secret
    // read from the store; but the store's own secret of any *other* record must not show.
    expect(code).toBe(ExitCode.NOT_FOUND);
    expectNoSecretPrinted(err, ALL_SECRETS.filter((s) => s !== secret));
  });
});

describe('command line', () => {
  it('--help for every command: its usage on stdout, exit 0', async () => {
    for (const command of COMMANDS) {
      for (const flag of ['--help', '-h']) {
        const { code, out } = await cli([command.name, flag]);
        expect(code, command.name).toBe(ExitCode.OK);
        expect(out).toContain(`Usage: tokenstore ${command.name}`);
      }
    }
    const main = await cli(['--help']);
    expect(main.code).toBe(ExitCode.OK);
    for (const command of COMMANDS) expect(main.out).toContain(`  ${command.name} `);
    expect(main.out).toContain('Exit codes:');
  });

  it('usage errors exit 2 with a code: unknown command, unknown option, missing argument, bad URL', async () => {
    const cases: [string[], string][] = [
      [['frobnicate'], 'tokenstore: USAGE: unknown command "frobnicate"'],
      [['list', 'sqlite:x.db', '--bogus'], 'tokenstore: USAGE: list: Unknown option'],
      [['show', 'sqlite:x.db'], 'tokenstore: USAGE: show: expected 2 arguments, got 1'],
      [['list', 'redis://localhost'], 'tokenstore: INVALID_ARGUMENT: unsupported store URL'],
      [['migrate', '--from', 'sqlite:a.db'], 'tokenstore: USAGE: migrate: both --from'],
    ];
    for (const [argv, start] of cases) {
      const { code, err } = await cli(argv);
      expect(code, argv.join(' ')).toBe(ExitCode.USAGE);
      expect(err.startsWith(start), err).toBe(true);
    }
    expect((await cli([])).code).toBe(ExitCode.USAGE);
  });

  it('a database password never shows: not in URLs echoed back, not in errors', async () => {
    const password = 'Pa55w0rd-s3cr3t!';
    const url = `postgres://tokenstore:${encodeURIComponent(password)}@127.0.0.1:1/tokenstore_test`;
    const { code, out, err } = await cli(['doctor', url]);
    expect(code).toBe(ExitCode.CHECK_FAILED);
    expect(out).toContain('STORE_UNAVAILABLE');
    expect(err).toContain('postgres://tokenstore:***@127.0.0.1:1/');
    expectNoSecretPrinted(out + err, [password, encodeURIComponent(password)]);
  });
});

void OAuthToken;
