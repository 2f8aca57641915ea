import { Initializer, MemoryStore, customEnvironment, type TokenStore } from '@tokenstore/core';
import { rawRefresh, startOAuthServer } from '@tokenstore/oauth-test-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ExitCode } from '../src/exit-codes.js';
import { cli } from './helpers/in-process.js';
import { expectNoSecretPrinted } from './helpers/secret-scan.js';

/** `sqlite:shared` opens this one MemoryStore (the CLI's store loading is what is replaced, nothing else). */
function importerFor(store: TokenStore) {
  const view: TokenStore = { ...bind(store), close: async () => undefined };
  return async () => ({ SQLiteStore: function SQLiteStore() { return view; } as unknown as Record<string, unknown> });
}
function bind(store: TokenStore): TokenStore {
  return {
    findToken: (t) => store.findToken(t),
    findTokenById: (id) => store.findTokenById(id),
    saveToken: (t) => store.saveToken(t),
    deleteToken: (id) => store.deleteToken(id),
    getTokens: () => store.getTokens(),
    deleteTokens: () => store.deleteTokens(),
    ...(store.lock ? { lock: store.lock } : {}),
  };
}

describe('tokenstore revoke against oidc-provider', { timeout: 30_000 }, () => {
  let server: Awaited<ReturnType<typeof startOAuthServer>>;
  beforeAll(async () => {
    server = await startOAuthServer({ rotateRefreshTokens: true });
  });
  afterAll(() => server.close());

  async function storedTokenFor(user: string, store: TokenStore, clientSecret = server.client.clientSecret) {
    const environment = customEnvironment({ tokenEndpoint: server.tokenEndpoint, revocationEndpoint: server.revocationEndpoint, apiUrl: server.issuer });
    const code = await server.authorize({ user });
    const sdk = await Initializer.initialize({ environment, store, token: { userSignature: { name: user }, clientId: server.client.clientId, clientSecret: server.client.clientSecret, redirectUrl: server.client.redirectUri, grantToken: code } });
    await sdk.getAccessToken();
    await sdk.close();
    const token = (await store.getTokens()).find((t) => t.userSignature?.name === user)!;
    if (clientSecret !== server.client.clientSecret) await store.saveToken(token.with({ clientSecret }));
    return token;
  }

  it('revokes the refresh token at the server, then deletes the record; nothing printed is a secret', async () => {
    const store = new MemoryStore();
    const token = await storedTokenFor('ada', store);
    server.resetCounts();
    const result = await cli(['revoke', 'sqlite:shared', 'ada', '--revocation-endpoint', server.revocationEndpoint, '--token-endpoint', server.tokenEndpoint], { importer: importerFor(store) });
    expect(result.code, result.err).toBe(ExitCode.OK);
    expect(result.out).toBe(`revoked and deleted ${token.id} (user ada)\n`);
    expect(server.counts.revocation).toBe(1);
    expect(await store.getTokens()).toEqual([]);
    expect((await rawRefresh(server, token.refreshToken as string)).body.error).toBe('invalid_grant');
    expectNoSecretPrinted(result.out + result.err, [token.refreshToken, token.accessToken, server.client.clientSecret] as string[]);
  });

  it('a server that refuses (wrong client secret): exit 7 with the OAuth code, the record is kept, no secret printed', async () => {
    const store = new MemoryStore();
    const wrongSecret = 'not-the-secret-0123456789';
    const token = await storedTokenFor('bob', store, wrongSecret);
    const result = await cli(['revoke', 'sqlite:shared', 'bob', '--revocation-endpoint', server.revocationEndpoint, '--token-endpoint', server.tokenEndpoint], { importer: importerFor(store) });
    expect(result.code).toBe(ExitCode.AUTHORIZATION);
    expect(result.err).toMatch(/^tokenstore: INVALID_CLIENT: /);
    expect(await store.getTokens()).toHaveLength(1);
    expectNoSecretPrinted(result.out + result.err, [token.refreshToken, token.accessToken, wrongSecret, server.client.clientSecret] as string[]);
  });

  it('without a server to revoke at: exit 2, nothing deleted', async () => {
    const store = new MemoryStore();
    await storedTokenFor('cy', store);
    const result = await cli(['revoke', 'sqlite:shared', 'cy'], { importer: importerFor(store) });
    expect(result.code).toBe(ExitCode.USAGE);
    expect(result.err).toContain('name the authorization server');
    expect(await store.getTokens()).toHaveLength(1);
  });
});
