import { OAuthToken, type TokenStore } from '@tokenstore/core';
import type { ExpectStatic } from 'vitest';
import { runChild } from './child-process.js';
import { refreshGeneration, startRefreshEndpoint } from './refresh-endpoint.js';

const USER = 'refresh-race@example.com';

export interface RefreshRaceContext {
  location: string;
  processes: number;
  expect: ExpectStatic;
  /** The worker's argv for one mode: `[module URL, mode, location, ...]`. */
  workerArgs(args: string[]): string[];
  script: string;
  withStore<T>(location: string, use: (store: TokenStore) => Promise<T>): Promise<T>;
}

/**
 * The engine's promise across processes, on the store under test: `processes` children each run an
 * Initializer for one user whose token expired, and all ask for the access token at the same moment.
 * The store's lease must let exactly one of them refresh; the others wait and read what it saved.
 */
export async function refreshRace({ location, processes, expect, workerArgs, script, withStore }: RefreshRaceContext): Promise<void> {
  const seed = refreshGeneration(0);
  const next = refreshGeneration(1);
  await withStore(location, (store) =>
    store.saveToken(
      new OAuthToken({
        userSignature: { name: USER },
        clientId: 'durability-client',
        clientSecret: 'durability-client-secret',
        refreshToken: seed.refreshToken,
        accessToken: seed.accessToken,
        expiresAt: Date.now() - 60_000,
      }),
    ),
  );
  const server = await startRefreshEndpoint({ parties: processes });
  let outputs: string[][];
  try {
    outputs = await Promise.all(Array.from({ length: processes }, (_, p) => runChild(script, workerArgs(['refresh', location, server.url, USER]), `refresh process ${p}`)));
  } finally {
    await server.close();
  }
  const answers = outputs.map((lines) => lines.at(-1));
  expect(
    server.requests,
    `exactly one token request for ${processes} processes asking at once (the server got ${server.requests}, ${server.invalidGrants} of them with a spent refresh token: the lease let several processes refresh; they answered ${JSON.stringify(answers)})`,
  ).toBe(1);
  expect(answers, `every process gets the one new access token`).toEqual(Array.from({ length: processes }, () => `token ${next.accessToken}`));
  const stored = await withStore(location, (store) => store.findToken(new OAuthToken({ userSignature: { name: USER } })));
  expect({ refreshToken: stored?.refreshToken, accessToken: stored?.accessToken }, `the store holds the rotated refresh token and the new access token`).toEqual(next);
  expect(stored?.expiresAt ?? 0, `the stored token is no longer expired`).toBeGreaterThan(Date.now());
}
