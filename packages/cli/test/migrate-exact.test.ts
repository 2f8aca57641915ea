import { join } from 'node:path';
import { emptyRecord, type TokenRecord } from '@tokenstore/core/store-kit';
import { SQLiteStore } from '@tokenstore/store-sqlite';
import { TEST_URLS, tempDir, uniqueName } from '@tokenstore/store-testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ExitCode } from '../src/exit-codes.js';
import { openStore } from '../src/open-store.js';
import { compareRecords } from '../src/verify-copy.js';
import { fixtureRecord, seedSqliteRecords } from './helpers/chain-fixture.js';
import { cli } from './helpers/in-process.js';

const record = (fields: Partial<TokenRecord>): TokenRecord => ({ ...emptyRecord(), ...fields });

/**
 * Records that coexist in real stores but that saveToken's matching rules would merge: an unbound
 * record selects a bound one through a shared grant, refresh or access token (same client id), so
 * copying them one save at a time overwrites one with the other. A migration copies by id.
 */
const TWINS: readonly TokenRecord[] = [
  record({ id: 'twin-bound', userName: 'bob', clientId: 'c', grantToken: 'G-shared', refreshToken: 'R-shared', accessToken: 'A-shared', expiresAt: 1 }),
  record({ id: 'twin-unbound-refresh', clientId: 'c', refreshToken: 'R-shared', scope: 'unbound by refresh' }),
  record({ id: 'twin-unbound-grant', clientId: 'c', grantToken: 'G-shared' }),
  record({ id: 'twin-unbound-access', accessToken: 'A-shared', tokenType: 'Bearer' }),
  record({ id: 'twin-other-user', userName: 'carol', clientId: 'c', refreshToken: 'R-shared', accessToken: 'A-shared' }),
];
const RECORDS = [...TWINS, ...Array.from({ length: 30 }, (_, i) => fixtureRecord(i))];

describe('tokenstore migrate copies records by id, exactly', () => {
  const { dir, cleanup } = tempDir('tokenstore-cli-exact-');
  const sourceFile = join(dir, 'source.db');
  beforeAll(() => seedSqliteRecords(sourceFile, RECORDS));
  afterAll(cleanup);

  const targets: Record<string, () => string> = {
    sqlite: () => `sqlite:${join(dir, `${uniqueName('t')}.db`)}`,
    file: () => `file:${join(dir, `${uniqueName('t')}.json`)}`,
    postgres: () => `${TEST_URLS.postgres}?table=${uniqueName('cli_exact')}`,
    mysql: () => `${TEST_URLS.mysql}?table=${uniqueName('cli_exact')}`,
    mongodb: () => `${TEST_URLS.mongo}?collection=${uniqueName('cli_exact')}`,
  };

  it('--batch-size must be a positive integer (exit 2, nothing opened)', async () => {
    for (const bad of ['0', '-5', '1.5', 'many']) {
      const { code, err } = await cli(['migrate', '--from', `sqlite:${sourceFile}`, '--to', targets.sqlite!(), `--batch-size=${bad}`]);
      expect({ bad, code, err }).toMatchObject({ code: ExitCode.USAGE, err: expect.stringContaining('--batch-size must be a positive integer') });
    }
  });

  for (const [kind, targetUrl] of Object.entries(targets)) {
    it(`to ${kind}: records sharing tokens across users stay separate; a rerun changes nothing`, async () => {
      const to = targetUrl();
      const first = await cli(['migrate', '--from', `sqlite:${sourceFile}`, '--to', to]);
      expect({ code: first.code, err: first.err.slice(-600) }).toMatchObject({ code: ExitCode.OK });
      const rerun = await cli(['migrate', '--from', `sqlite:${sourceFile}`, '--to', to]);
      expect({ code: rerun.code, err: rerun.err.slice(-600) }).toMatchObject({ code: ExitCode.OK });

      const source = new SQLiteStore({ filename: sourceFile });
      const target = await openStore(to);
      try {
        expect(compareRecords(await source.getTokens(), await target.raw.getTokens())).toEqual({ sourceCount: RECORDS.length, targetCount: RECORDS.length, missing: [], extra: [], changed: [] });
      } finally {
        await source.close();
        await target.raw.deleteTokens();
        await target.raw.close?.();
      }
    }, 60_000);
  }
});
