import type { OAuthTestServer } from '@tokenstore/oauth-test-server';
import { tempDir as kitTempDir } from '@tokenstore/store-testkit';
import type { HerdResult } from '../src/index.js';

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
