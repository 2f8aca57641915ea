import type { OAuthTestServer } from '@tokenstore/oauth-test-server';
import { tempDir as kitTempDir } from '@tokenstore/store-testkit';
import type { HerdResult, StoreSpec } from '../src/index.js';

/** A fresh temp directory, removed by the returned cleanup. */
export const tempDir = (prefix = 'tokenstore-herd-') => kitTempDir(prefix);

/** Calls the protected API with an access token, outside the SDK. */
export async function apiStatus(server: OAuthTestServer, accessToken: string): Promise<number> {
  const response = await fetch(server.apiUrl, { headers: { authorization: `Bearer ${accessToken}` } });
  await response.body?.cancel();
  return response.status;
}

/** One line per round, for the test log (no secrets: the harness only carries fingerprints). */
export function summary(label: string, result: HerdResult): string {
  const rounds = result.rounds.map(
    (r) =>
      `  round ${r.round}: provider refresh=${r.provider.refresh} invalid_grant=${r.provider.invalidGrant}; calls ok=${r.ok}/${r.calls}` +
      ` errors=${JSON.stringify(r.errors)} distinct access tokens=${r.distinctAccessTokens}` +
      ` refreshed in processes=${JSON.stringify(r.refreshedInProcesses)} wall=${r.wallMs} ms p50=${r.latency.p50Ms.toFixed(1)} ms max=${r.latency.maxMs.toFixed(1)} ms`,
  );
  return [`[herd] ${label}: ${result.processes} processes x ${result.callsPerProcess} calls, seed ${result.timings.seedMs} ms, spawn ${result.timings.spawnMs} ms, total ${result.timings.totalMs} ms`, ...rounds].join('\n');
}

/**
 * Drops what a server store created for `spec`: its table with `<table>_leases` and `<table>_migrations`
 * (PostgreSQL, MySQL), or its collection with `<collection>_leases` (MongoDB). Never a default name.
 */
export async function dropStore(spec: StoreSpec): Promise<void> {
  switch (spec.kind) {
    case 'postgres': {
      const { default: pg } = await import('pg');
      const client = new pg.Client({ connectionString: spec.url });
      await client.connect();
      try {
        await client.query(`DROP TABLE IF EXISTS ${sqlCompanions(named(spec.table)).map((t) => `"${t}"`).join(', ')} CASCADE`);
      } finally {
        await client.end();
      }
      return;
    }
    case 'mysql': {
      const { default: mysql } = await import('mysql2/promise');
      const connection = await mysql.createConnection({ uri: spec.url });
      try {
        await connection.query(`DROP TABLE IF EXISTS ${sqlCompanions(named(spec.table)).map((t) => `\`${t}\``).join(', ')}`);
      } finally {
        await connection.end();
      }
      return;
    }
    case 'mongo': {
      const { MongoClient } = await import('mongodb');
      const client = new MongoClient(spec.url, { serverSelectionTimeoutMS: 10_000 });
      try {
        const db = client.db(spec.dbName);
        const collection = named(spec.collection);
        for (const name of [collection, `${collection}_leases`]) {
          // 26 NamespaceNotFound: never created (the store failed before its first write).
          await db.collection(name).drop().catch((error: unknown) => {
            if ((error as { code?: unknown }).code !== 26) throw error;
          });
        }
      } finally {
        await client.close();
      }
      return;
    }
    default:
      throw new Error(`dropStore: ${spec.kind} is not a server store`);
  }
}

const sqlCompanions = (table: string) => [table, `${table}_leases`, `${table}_migrations`];

function named(name: string | undefined): string {
  if (!name) throw new Error('dropStore: the spec names no table or collection (the default one is never dropped)');
  return name;
}
