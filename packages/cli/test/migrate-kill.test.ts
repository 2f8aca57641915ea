import { join } from 'node:path';
import { PostgresStore } from '@tokenstore/store-postgres';
import { SQLiteStore } from '@tokenstore/store-sqlite';
import { TEST_URLS, tempDir, uniqueName } from '@tokenstore/store-testkit';
import { afterAll, describe, expect, it } from 'vitest';
import { ExitCode } from '../src/exit-codes.js';
import { compareRecords } from '../src/verify-copy.js';
import { seedSqlite } from './helpers/chain-fixture.js';
import { runCli } from './helpers/run-cli.js';

const COUNT = 3000;

describe('tokenstore migrate killed half way', () => {
  const { dir, cleanup } = tempDir('tokenstore-cli-kill-');
  afterAll(cleanup);

  it('SIGKILL of the CLI mid-copy, then the same command again: nothing duplicated or lost, verified', async () => {
    const sourceFile = join(dir, 'source.db');
    seedSqlite(sourceFile, COUNT);
    const table = uniqueName('cli_kill');
    // Small batches, one at a time: the copy takes long enough to be killed between two of them.
    const args = ['migrate', '--from', `sqlite:${sourceFile}`, '--to', `${TEST_URLS.postgres}?table=${table}`, '--batch-size', '10', '--concurrency', '1'];

    // Killed once a progress line shows it is copying (plain lines: stderr is a pipe).
    const killed = await runCli(args, {
      onStderr: (text, child) => {
        const done = [...text.matchAll(/migrate: (\d+)\/\d+/g)].map((m) => Number(m[1]));
        if (done.some((n) => n > 0 && n < COUNT)) child.kill('SIGKILL');
      },
    });
    expect(killed.signal).toBe('SIGKILL');
    const target = new PostgresStore({ connectionString: TEST_URLS.postgres, table });
    const source = new SQLiteStore({ filename: sourceFile });
    try {
      const halfWay = (await target.getTokens()).length;
      expect(halfWay).toBeGreaterThan(0);
      expect(halfWay).toBeLessThan(COUNT);

      const rerun = await runCli(args);
      expect(rerun.code, rerun.stderr).toBe(ExitCode.OK);
      expect(rerun.stdout).toContain(`migrated ${COUNT} tokens`);
      expect(rerun.stdout).toContain('verified');
      expect(compareRecords(await source.getTokens(), await target.getTokens())).toEqual({ sourceCount: COUNT, targetCount: COUNT, missing: [], extra: [], changed: [] });
    } finally {
      await source.close();
      await target.close();
    }
  }, 300_000);

  it('a target that differs from the source after the copy fails verification: exit 4, ids listed', async () => {
    const sourceFile = join(dir, 'small.db');
    const targetFile = join(dir, 'target.db');
    seedSqlite(sourceFile, 20);
    seedSqlite(targetFile, 25); // 5 records the source does not have
    const result = await runCli(['migrate', '--from', `sqlite:${sourceFile}`, '--to', `sqlite:${targetFile}`]);
    expect(result.code).toBe(ExitCode.CHECK_FAILED);
    expect(result.stderr).toContain('verify: source 20 records, target 25');
    expect(result.stderr).toContain('verify: 5 in the target only: ');
    expect(result.stderr).toContain('tokenstore: VERIFY_FAILED: ');
  }, 60_000);
});
