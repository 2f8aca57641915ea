/**
 * The multi-process refresh race (issue 4): 8 child processes share one store, each fires 100
 * concurrent getAccessToken() calls the moment the token has expired, against the real oidc-provider
 * with refresh-token rotation and reuse detection. With the store's lock: exactly one refresh at the
 * provider per expiry. Without it (negative control): several, and reuse detection kills the grant.
 */
import { join } from 'node:path';
import { startOAuthServer, type OAuthTestServer } from '@tokenstore/oauth-test-server';
import { TEST_URLS } from '@tokenstore/store-testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openStore, rawRefresh, runHerd, type StoreSpec } from '../src/index.js';
import { apiStatus, dropStore, summary, tempDir } from './helpers.js';

const PROCESSES = 8;
const CALLS = 100;
const EXPIRIES = 3;

let server: OAuthTestServer;
let dir: string;
let cleanup: () => void;

beforeAll(async () => {
  // 2 s access tokens: each round waits for real expiry (processes keep their Initializer across rounds).
  server = await startOAuthServer({ accessTokenTtlSeconds: 2, rotateRefreshTokens: true });
  ({ dir, cleanup } = tempDir());
});

afterAll(async () => {
  await server?.close();
  cleanup?.();
});

const kinds: Array<{ name: string; spec: (tag: string) => StoreSpec }> = [
  { name: 'one SQLite file', spec: (tag) => ({ kind: 'sqlite', filename: join(dir, `${tag}.db`) }) },
  { name: 'one JSON file (FileStore)', spec: (tag) => ({ kind: 'file', path: join(dir, `${tag}.json`) }) },
];

// The same race on each database server of scripts/services (TEST_URLS: its TOKENSTORE_*_URL, else its
// defaults), in a table or collection of its own, dropped after the file. An unreachable server fails
// the test rather than skipping it.
const serverStores: StoreSpec[] = [];
{
  const base = `herd_${process.pid}_${Date.now().toString(36)}`;
  const onServer = (name: string, spec: (name: string) => StoreSpec) =>
    kinds.push({
      name,
      spec: (tag) => {
        const created = spec(`${base}_${tag}`);
        serverStores.push(created);
        return created;
      },
    });
  onServer('one PostgreSQL table', (table) => ({ kind: 'postgres', url: TEST_URLS.postgres, table }));
  onServer('one MySQL table (MariaDB)', (table) => ({ kind: 'mysql', url: TEST_URLS.mysql, table }));
  onServer('one MongoDB collection (FerretDB)', (collection) => ({ kind: 'mongo', url: TEST_URLS.mongo, collection }));
  afterAll(async () => {
    // Every server's, even when one is unreachable (which fails the file).
    const failed = (await Promise.allSettled(serverStores.map(dropStore))).flatMap((r) => (r.status === 'rejected' ? [r.reason] : []));
    if (failed.length > 0) throw new AggregateError(failed, `dropping the herd's tables and collections: ${failed.length} failed`);
  });
}

describe.each(kinds)('$name shared by 8 processes', ({ spec }) => {
  it(`with the lock: exactly one refresh per expiry (${EXPIRIES} expiries), no invalid_grant, no errors, the newest refresh token stored`, async () => {
    const store = spec('locked');
    const result = await runHerd({ store, server, processes: PROCESSES, callsPerProcess: CALLS, lock: true, rounds: EXPIRIES, expiry: 'wait' });
    console.info(summary(`${result.store} lock on`, result));

    expect(result.rounds).toHaveLength(EXPIRIES);
    const seen = new Set<string>();
    for (const round of result.rounds) {
      expect(round.provider, `round ${round.round}`).toMatchObject({ refresh: 1, token: 1, invalidGrant: 0, authorizationCode: 0 });
      expect(round.errors, `round ${round.round}: ${JSON.stringify(round.errorSamples)}`).toEqual({});
      expect(round.ok).toBe(PROCESSES * CALLS);
      // Every call in every process got the one refreshed token, and that is the stored one.
      expect(round.distinctAccessTokens).toBe(1);
      expect(round.storedAccessTokenSeen).toBe(true);
      expect(round.refreshedInProcesses).toEqual({ expired: 1 });
      const [token] = Object.keys(round.processes[0]!.tokens);
      expect(seen.has(token!), 'each expiry yields a new access token').toBe(false);
      seen.add(token!);
    }
    expect(result.provider.refresh).toBe(EXPIRIES);
    expect(result.provider.invalidGrant).toBe(0);

    // One record for the user, holding the token the provider issued last.
    const reader = await openStore(store);
    try {
      const records = (await reader.getTokens()).filter((t) => t.userSignature?.name === result.user);
      expect(records).toHaveLength(1);
    } finally {
      await reader.close?.();
    }
    const final = result.finalToken!;
    expect(final.accessToken).toBeTypeOf('string');
    expect(final.expiresAt).toBeGreaterThan(Date.now() - 5_000);
    expect(await apiStatus(server, final.accessToken!)).toBe(200);
    // With rotation + reuse detection, only the newest refresh token is accepted (an older one would
    // answer invalid_grant and revoke the grant): the stored one refreshes once more.
    const before = server.counts.invalidGrant;
    const probe = await rawRefresh(server, final.refreshToken!);
    expect(probe).toMatchObject({ status: 200, rotated: true });
    expect(server.counts.invalidGrant).toBe(before);
  });

  it('negative control, the lock disabled: more than one refresh, invalid_grant, and the grant revoked', async () => {
    const result = await runHerd({ store: spec('unlocked'), server, processes: PROCESSES, callsPerProcess: CALLS, lock: false, rounds: 1, expiry: 'wait' });
    console.info(summary(`${result.store} lock OFF`, result));
    const [round] = result.rounds;

    expect(round!.provider.refresh).toBeGreaterThan(1);
    // Every extra refresh presented the refresh token the first one had already rotated away.
    expect(round!.provider.invalidGrant).toBeGreaterThanOrEqual(1);
    expect(round!.provider.invalidGrant).toBeLessThan(round!.provider.refresh);
    // Reuse detection then revoked the whole grant: the stored tokens are dead, even though the
    // processes may not have noticed yet (the invalid_grant re-read adopts the stored token).
    const final = result.finalToken!;
    expect(await apiStatus(server, final.accessToken!)).toBe(401);
    expect(await rawRefresh(server, final.refreshToken!)).toMatchObject({ status: 400, error: 'invalid_grant' });
  });
});
