import { OAuthToken } from '@tokenstore/core';
import { SQLiteStore } from '@tokenstore/store-sqlite';
import { tempDir } from '@tokenstore/store-testkit';
import { afterAll, describe, expect, it } from 'vitest';
import { recordDigest } from '../src/record-digest.js';
import { compareRecords } from '../src/verify-copy.js';
import { fixtureRecord, seedSqlite } from './helpers/chain-fixture.js';
import { chainUrls, runChain } from './helpers/migrate-chain.js';

/**
 * 2,000 tokens in CI (every hostile-value fixture kind, records without a user, the 8 KiB value), so
 * the whole cli suite stays well under 90 s on 2 shared cores. The 100,000 run is
 * bench/src/measures/cli-migrate.ts, reported in BENCHMARKS.md; TOKENSTORE_CLI_CHAIN_COUNT=100000
 * runs it here.
 */
const COUNT = Number(process.env.TOKENSTORE_CLI_CHAIN_COUNT ?? 2_000);

describe('tokenstore migrate, end to end on the real servers', () => {
  const { dir, cleanup } = tempDir('tokenstore-cli-chain-');
  afterAll(cleanup);

  it(`moves ${COUNT} tokens sqlite -> postgres -> mongodb -> mysql -> file -> sqlite, byte-exact at the end`, async () => {
    const urls = chainUrls(dir);
    seedSqlite(urls[0]!.slice('sqlite:'.length), COUNT);
    const hops = await runChain(urls);
    for (const hop of hops) expect({ hop: `${hop.from} -> ${hop.to}`, code: hop.result.code, stderr: hop.result.stderr.slice(-500) }).toMatchObject({ code: 0 });
    expect(hops).toHaveLength(5);

    const source = new SQLiteStore({ filename: urls[0]!.slice('sqlite:'.length) });
    const final = new SQLiteStore({ filename: urls[5]!.slice('sqlite:'.length) });
    try {
      const before = await source.getTokens();
      const after = await final.getTokens();
      expect(compareRecords(before, after)).toEqual({ sourceCount: COUNT, targetCount: COUNT, missing: [], extra: [], changed: [] });
      // And against the generator itself, not only source vs end: every field of every record.
      const expected = new Map(Array.from({ length: COUNT }, (_, i) => [fixtureRecord(i).id as string, recordDigest(OAuthToken.fromRecord(fixtureRecord(i)))]));
      const mismatched = after.filter((token) => expected.get(token.id as string) !== recordDigest(token));
      expect(mismatched.map((t) => t.id)).toEqual([]);
    } finally {
      await source.close();
      await final.close();
    }
  }, 900_000);
});
