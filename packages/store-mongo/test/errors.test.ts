import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { type Socket, connect, createServer } from 'node:net';
import { join } from 'node:path';
import { inspect } from 'node:util';
import { OAuthToken, isTokenStoreError, type TokenStore } from '@tokenstore/core';
import { closedPort, sleep, uniqueName } from '@tokenstore/store-testkit';
import { MongoNetworkError, MongoServerError, MongoServerSelectionError, MongoClient } from 'mongodb';
import { afterAll, describe, expect, it } from 'vitest';
import { MongoDriverError, MongoStore } from '../src/index.js';
import { toStoreError } from '../src/mongo-errors.js';
import { MONGO_URL, adminClient, dropStoreCollections, ferretdbBinary } from './helpers.js';

const SECRET = 'refresh-secret-0123456789';

async function codeOf(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (error) {
    expect(isTokenStoreError(error), `expected a TokenStoreError, got ${inspect(error)}`).toBe(true);
    expect(inspect(error, { depth: 8 })).not.toContain(SECRET);
    expect((error as Error).cause).toBeInstanceOf(MongoDriverError);
    return (error as { code: string }).code;
  }
  throw new Error('expected a rejection');
}

/** Every method of a store (and its lock) with a token carrying SECRET: the codes they reject with. */
async function allCodes(store: MongoStore): Promise<string[]> {
  const token = new OAuthToken({ id: 'id', userSignature: { name: 'ann' }, clientId: 'c', refreshToken: SECRET, accessToken: SECRET });
  const calls: (() => Promise<unknown>)[] = [
    () => store.ensureIndexes(),
    () => store.findToken(token),
    () => store.findTokenById('id'),
    () => store.saveToken(token),
    () => store.deleteToken('id'),
    () => store.getTokens(),
    () => store.deleteTokens(),
    () => store.lock.acquire(SECRET, 'owner', 1000),
    () => store.lock.release(SECRET, 'owner'),
  ];
  const codes: string[] = [];
  for (const call of calls) codes.push(await codeOf(call()));
  return codes;
}

/**
 * Forwards 127.0.0.1:`port` to the test server: "the server comes up on the port the store was
 * given". Returns a function that stops it.
 */
async function forward(port: number): Promise<() => Promise<void>> {
  const target = new URL(MONGO_URL);
  const sockets = new Set<Socket>();
  const server = createServer((client) => {
    const upstream = connect(Number(target.port || 27017), target.hostname);
    for (const s of [client, upstream]) {
      sockets.add(s);
      s.on('error', () => {});
      s.on('close', () => sockets.delete(s));
    }
    client.pipe(upstream).pipe(client);
  });
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  return async () => {
    for (const s of sockets) s.destroy();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  };
}

describe('server down', () => {
  const [collection, appCollection] = [uniqueName('down'), uniqueName('down')];
  const admin = adminClient();
  afterAll(async () => {
    for (const c of [collection, appCollection]) await dropStoreCollections(admin.db(), c);
    await admin.close();
  });

  it('every method rejects with STORE_UNAVAILABLE when nothing listens on the port; the same store works once the server is there', async () => {
    const port = await closedPort();
    const url = `mongodb://127.0.0.1:${port}/${new URL(MONGO_URL).pathname.slice(1)}`;
    const store = new MongoStore({ url, collection, clientOptions: { serverSelectionTimeoutMS: 300 } });
    let stop: (() => Promise<void>) | undefined;
    try {
      expect(await allCodes(store)).toEqual(Array(9).fill('STORE_UNAVAILABLE'));
      const error = await store.getTokens().catch((e: unknown) => e);
      expect((error as Error).message).toMatch(/MongoStore: getTokens failed: the MongoDB server is unavailable \(MongoServerSelectionError: .*ECONNREFUSED/);
      expect(((error as Error).cause as MongoDriverError).driverErrorName).toBe('MongoServerSelectionError');

      // The server appears: the store's own client, whose first attempts all failed, connects now.
      stop = await forward(port);
      const saved = await store.saveToken(new OAuthToken({ userSignature: { name: 'ann' }, accessToken: 'after the outage' }));
      expect((await store.findTokenById(saved.id as string))?.accessToken).toBe('after the outage');
      expect(await store.lock.acquire('k', 'o', 1000)).toBe(true);
    } finally {
      await store.close();
      await stop?.();
    }
  });

  it("an app's client whose first connection failed stays failed (driver behaviour) until the app connects it again", async () => {
    const port = await closedPort();
    const client = new MongoClient(`mongodb://127.0.0.1:${port}/${new URL(MONGO_URL).pathname.slice(1)}`, { serverSelectionTimeoutMS: 300 });
    const store = new MongoStore({ client, collection: appCollection });
    let stop: (() => Promise<void>) | undefined;
    try {
      expect(await codeOf(store.getTokens())).toBe('STORE_UNAVAILABLE');
      stop = await forward(port);
      const error = await store.getTokens().catch((e: unknown) => e);
      expect((error as { code: string }).code).toBe('STORE_UNAVAILABLE');
      expect(((error as Error).cause as MongoDriverError).driverErrorName).toBe('MongoTopologyClosedError');
      await client.connect();
      expect(await store.getTokens()).toEqual([]);
    } finally {
      await store.close();
      await client.close();
      await stop?.();
    }
  });

  describe('FerretDB whose PostgreSQL backend is down', () => {
    let ferret: ChildProcess | undefined;
    let stateDir: string | undefined;
    afterAll(async () => {
      if (ferret && ferret.exitCode === null) {
        const exited = new Promise((resolve) => ferret?.once('exit', resolve));
        ferret.kill('SIGTERM');
        await exited;
      }
      if (stateDir) rmSync(stateDir, { recursive: true, force: true });
    });

    it('maps its InternalError "failed to connect" to STORE_UNAVAILABLE', async () => {
      const [pgPort, port] = [await closedPort(), await closedPort()];
      stateDir = mkdtempSync(join(tmpdir(), 'tokenstore-ferretdb-'));
      ferret = spawn(
        ferretdbBinary(),
        [
          '--handler=postgresql',
          `--postgresql-url=postgres://tokenstore:tokenstore@127.0.0.1:${pgPort}/ferretdb`,
          `--listen-addr=127.0.0.1:${port}`,
          `--state-dir=${stateDir}`,
          '--debug-addr=-',
          '--telemetry=disable',
          '--log-level=error',
        ],
        { stdio: 'ignore' },
      );
      // The wire protocol answers (hello) without PostgreSQL; wait until it listens.
      const deadline = Date.now() + 15_000;
      for (;;) {
        const probe = new MongoClient(`mongodb://127.0.0.1:${port}/`, { serverSelectionTimeoutMS: 200 });
        try {
          await probe.db('admin').command({ hello: 1 });
          break;
        } catch (error) {
          if (Date.now() > deadline || ferret.exitCode !== null) throw error;
          await sleep(100);
        } finally {
          await probe.close();
        }
      }

      const store = new MongoStore({ url: `mongodb://127.0.0.1:${port}/tokenstore_test`, clientOptions: { serverSelectionTimeoutMS: 2000 } });
      try {
        expect(await allCodes(store)).toEqual(Array(9).fill('STORE_UNAVAILABLE'));
        const error = await store.getTokens().catch((e: unknown) => e);
        expect(((error as Error).cause as MongoDriverError).codeName).toBe('InternalError');
      } finally {
        await store.close();
      }
    });
  });
});

describe('driver errors as causes', () => {
  // Errors in the form a MongoDB 7 server sends them (FerretDB words them differently); built here
  // because no server produces them on demand.
  const dupKey = () =>
    new MongoServerError({
      ok: 0,
      code: 11000,
      codeName: 'DuplicateKey',
      errmsg: `E11000 duplicate key error collection: db.oauthtoken index: tokenstore_userName dup key: { userName: "${SECRET}" }`,
      keyPattern: { userName: 1 },
      keyValue: { userName: SECRET },
    });

  it('a duplicate-key error becomes STORE_CONFLICT with neither the key value nor keyValue', () => {
    const error = toStoreError(dupKey(), 'saveToken');
    expect(error.code).toBe('STORE_CONFLICT');
    const cause = error.cause as MongoDriverError;
    expect(cause).toBeInstanceOf(MongoDriverError);
    expect(cause.code).toBe(11000);
    expect(cause.codeName).toBe('DuplicateKey');
    expect(cause.message).toBe('E11000 duplicate key error collection: db.oauthtoken index: tokenstore_userName dup key: [removed]');
    expect(inspect(error, { depth: 8, showHidden: true })).not.toContain(SECRET);
    expect(JSON.stringify(cause)).not.toContain(SECRET);
  });

  it('a document-validation error keeps its code but not errInfo (which lists the rejected values)', () => {
    const validation = new MongoServerError({
      ok: 0,
      code: 121,
      codeName: 'DocumentValidationFailure',
      errmsg: 'Document failed validation',
      errInfo: { failingDocumentId: 'x', details: { schemaRulesNotSatisfied: [{ consideredValue: SECRET }] } },
    });
    const error = toStoreError(validation, 'saveToken');
    expect(error.code).toBe('STORE_FAILURE');
    expect(error.message).toBe('MongoStore: saveToken failed (MongoServerError DocumentValidationFailure: Document failed validation)');
    expect(inspect(error, { depth: 8, showHidden: true })).not.toContain(SECRET);
  });

  it('quoted and braced spans of other server messages are removed', () => {
    const error = toStoreError(new MongoServerError({ ok: 0, code: 2, codeName: 'BadValue', errmsg: `cannot compare "${SECRET}" with {a: '${SECRET}'}` }), 'findToken');
    expect(error.code).toBe('STORE_FAILURE');
    expect((error.cause as Error).message).toBe('cannot compare [removed] with [removed]');
  });

  it('network, server-selection and shutdown errors are STORE_UNAVAILABLE; labels are kept', () => {
    const network = new MongoNetworkError('connection 3 to 127.0.0.1:27017 closed');
    network.addErrorLabel('ResetPool');
    expect(toStoreError(network, 'x').code).toBe('STORE_UNAVAILABLE');
    expect((toStoreError(network, 'x').cause as MongoDriverError).errorLabels).toEqual(['ResetPool']);
    expect(toStoreError(new MongoServerSelectionError('connect ECONNREFUSED 127.0.0.1:1', {} as never), 'x').code).toBe('STORE_UNAVAILABLE');
    for (const code of [91, 11600, 10107, 189]) {
      expect(toStoreError(new MongoServerError({ ok: 0, code, errmsg: 'going away' }), 'x').code, String(code)).toBe('STORE_UNAVAILABLE');
    }
    expect(toStoreError(new MongoServerError({ ok: 0, code: 13, codeName: 'Unauthorized', errmsg: 'not authorized' }), 'x').code).toBe('STORE_FAILURE');
  });

  it('a TokenStoreError passes through unchanged, and so does an existing MongoDriverError cause', () => {
    const original = toStoreError(dupKey(), 'a');
    expect(toStoreError(original, 'b')).toBe(original);
  });
});

// Keeps the TokenStore type import meaningful for readers: the store is a TokenStore.
const _typecheck: (s: MongoStore) => TokenStore = (s) => s;
void _typecheck;
