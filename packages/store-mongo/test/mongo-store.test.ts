import { createHash } from 'node:crypto';
import { inspect } from 'node:util';
import { emptyRecord, type TokenRecord, OAuthToken } from '@tokenstore/core/store-kit';
import { rejection, rejectsWith, uniqueName } from '@tokenstore/store-testkit';
import { Long, MongoClient, type CommandStartedEvent, type Document } from 'mongodb';
import { describe, expect, it } from 'vitest';
import { MongoStore } from '../src/index.js';
import { MongoBackend } from '../src/mongo-backend.js';
import { collectionNames } from '../src/names.js';
import { MONGO_URL, adminClient, storeTracker } from './helpers.js';

const admin = adminClient();
const tracker = storeTracker(admin).cleanUpAfterTests(() => admin.close());

const sha256 = (value: string) => createHash('sha256').update(value, 'utf8').digest('hex');

/** The one index a recorded createIndexes command creates (the driver sends its key as a Map). */
function indexSpec(event: CommandStartedEvent): Document {
  const [spec] = event.command.indexes as Document[];
  return { ...spec, key: Object.fromEntries(spec?.key instanceof Map ? spec.key : Object.entries(spec?.key ?? {})) };
}

/** A client of the test's own (closed after the test) whose commands are recorded. */
async function monitoredClient(): Promise<{ client: MongoClient; commands: CommandStartedEvent[] }> {
  const client = tracker.closeAfterTest(new MongoClient(MONGO_URL, { monitorCommands: true, serverSelectionTimeoutMS: 10_000 }));
  const commands: CommandStartedEvent[] = [];
  client.on('commandStarted', (event) => commands.push(event));
  await client.connect();
  return { client, commands };
}

describe('options', () => {
  it('needs exactly one of client or url', async () => {
    await rejectsWith(() => new MongoStore({} as never), 'INVALID_ARGUMENT');
    await rejectsWith(() => new MongoStore({ client: admin, url: MONGO_URL } as never), 'INVALID_ARGUMENT');
    await rejectsWith(() => new MongoStore(null as never), 'INVALID_ARGUMENT');
    await rejectsWith(() => new MongoStore({ client: {} as never }), 'INVALID_ARGUMENT');
    await rejectsWith(() => new MongoStore({ client: admin, clientOptions: {} } as never), 'INVALID_ARGUMENT');
    await rejectsWith(() => new MongoStore({ url: '' }), 'INVALID_ARGUMENT');
  });

  it('accepts only plain collection names and valid database names', async () => {
    for (const collection of ['a.b', '$cmd', 'system.users', '', 'with space', 'x'.repeat(64), 42]) {
      await rejectsWith(() => new MongoStore({ client: admin, collection: collection as string }), 'INVALID_ARGUMENT');
    }
    for (const dbName of ['a.b', 'a/b', 'a b', 'a$b', '', 'x'.repeat(64), 42]) {
      await rejectsWith(() => new MongoStore({ client: admin, dbName: dbName as string }), 'INVALID_ARGUMENT');
    }
    const store = new MongoStore({ client: admin, dbName: 'tokenstore-test_2', collection: 'Tokens_2' });
    expect(store.dbName).toBe('tokenstore-test_2');
    expect(store.collectionName).toBe('Tokens_2');
  });

  it('rejects a malformed url with INVALID_ARGUMENT and never shows the password', async () => {
    const password = 'hunter2-s3cret-password';
    for (const url of [`mongodb://user:${password}@`, `http://user:${password}@127.0.0.1/db`, `mongodb://user:${password}@127.0.0.1/db?w=bogus&journal=maybe`]) {
      const error = await rejectsWith(() => new MongoStore({ url }), 'INVALID_ARGUMENT');
      expect(inspect(error, { depth: 8 }), url).not.toContain(password);
      expect(String((error.cause as Error).message)).not.toContain(password);
    }
  });

  it("gives its own client appName 'tokenstore' and a 10 s server selection timeout, unless the url or clientOptions say otherwise", async () => {
    const stores = [
      new MongoStore({ url: MONGO_URL }),
      new MongoStore({ url: `${MONGO_URL}${MONGO_URL.includes('?') ? '&' : '?'}serverSelectionTimeoutMS=1234&appName=mine` }),
      new MongoStore({ url: MONGO_URL, clientOptions: { serverSelectionTimeoutMS: 4321, appName: 'app' } }),
    ];
    try {
      expect(stores.map((s) => [s.client.options.serverSelectionTimeoutMS, s.client.options.appName])).toEqual([
        [10_000, 'tokenstore'],
        [1234, 'mine'],
        [4321, 'app'],
      ]);
    } finally {
      await Promise.all(stores.map((s) => s.close()));
    }
  });

  it('defaults the database to the one in the connection string and the collection to oauthtoken', async () => {
    const store = new MongoStore({ url: MONGO_URL });
    try {
      expect(store.dbName).toBe(new URL(MONGO_URL).pathname.slice(1));
      expect(store.collectionName).toBe('oauthtoken');
    } finally {
      await store.close();
    }
  });

  it('uses dbName when given', async () => {
    const dbName = uniqueName('tokenstore_db');
    const collection = uniqueName('db');
    const store = tracker.open({ client: admin, dbName, collection });
    try {
      const saved = await store.saveToken(new OAuthToken({ accessToken: 'in another database' }));
      expect(await admin.db(dbName).collection(collection).countDocuments({ _id: sha256(saved.id as string) } as Document)).toBe(1);
      expect(await admin.db().collection(collection).countDocuments()).toBe(0);
    } finally {
      await admin.db(dbName).dropDatabase();
    }
  });
});

describe('client ownership', () => {
  it("close() leaves the app's own client open", async () => {
    const client = tracker.closeAfterTest(new MongoClient(MONGO_URL));
    const store = tracker.open({ client, collection: uniqueName('own') });
    await store.saveToken(new OAuthToken({ accessToken: 'a' }));
    await store.close();
    expect((await client.db().command({ ping: 1 })).ok).toBe(1);
    expect((await rejection(store.getTokens())).code).toBe('STORE_CLOSED');
    expect((await rejection(store.ensureIndexes())).code).toBe('STORE_CLOSED');
  });

  it('close() closes the client the store created from a url', async () => {
    const store = new MongoStore({ url: MONGO_URL, collection: uniqueName('url') });
    tracker.track(store.collectionName);
    await store.saveToken(new OAuthToken({ accessToken: 'a' }));
    await store.close();
    await expect(store.client.db().command({ ping: 1 })).rejects.toThrow(/must be connected/);
    expect((await rejection(store.ensureIndexes())).code).toBe('STORE_CLOSED');
  });

  it('an app client closed under the store gives STORE_CLOSED', async () => {
    const client = tracker.closeAfterTest(new MongoClient(MONGO_URL));
    const store = tracker.open({ client, collection: uniqueName('closed') });
    await store.saveToken(new OAuthToken({ accessToken: 'a' }));
    await client.close();
    const error = await rejection(store.findTokenById('x'));
    expect(error.code).toBe('STORE_CLOSED');
  });
});

describe('documents', () => {
  it('stores one document per token: _id = SHA-256 of the id, absent fields left out, expiresAt an int64, digests of the lookup fields', async () => {
    const collection = uniqueName('doc');
    const store = tracker.open({ client: admin, collection });
    const full = await store.saveToken(
      new OAuthToken({
        id: 'id-1',
        userSignature: { name: 'ann@example.com' },
        clientId: 'client',
        clientSecret: 'client-secret',
        grantToken: 'grant',
        refreshToken: 'refresh',
        accessToken: 'access',
        redirectUrl: 'https://app.example.com/cb',
        expiresAt: 1767225600123,
        apiDomain: 'https://api.example.com',
        tokenType: 'Bearer',
        scope: 'a b',
      }),
    );
    await store.saveToken(new OAuthToken({ id: 'id-2', accessToken: 'only access' }));

    const raw = admin.db().collection(collection);
    const one = await raw.findOne({ id: 'id-1' }, { promoteLongs: false });
    expect(one).toEqual({
      _id: sha256('id-1'),
      id: 'id-1',
      userName: 'ann@example.com',
      clientId: 'client',
      clientSecret: 'client-secret',
      grantToken: 'grant',
      refreshToken: 'refresh',
      accessToken: 'access',
      redirectUrl: 'https://app.example.com/cb',
      expiresAt: Long.fromNumber(1767225600123),
      apiDomain: 'https://api.example.com',
      tokenType: 'Bearer',
      scope: 'a b',
      userNameDigest: sha256('ann@example.com'),
      grantTokenDigest: sha256('grant'),
      refreshTokenDigest: sha256('refresh'),
      accessTokenDigest: sha256('access'),
    });
    expect((one?.expiresAt as Long)._bsontype).toBe('Long');
    expect(await raw.findOne({ id: 'id-2' })).toEqual({ _id: sha256('id-2'), id: 'id-2', accessToken: 'only access', accessTokenDigest: sha256('only access') });
    expect(full.expiresAt).toBe(1767225600123);
  });

  it('reads expiresAt as a number also through an app client with promoteLongs: false or useBigInt64', async () => {
    const collection = uniqueName('bson');
    for (const options of [{ promoteLongs: false }, { useBigInt64: true }, { promoteValues: false }]) {
      const store = tracker.open({ client: tracker.closeAfterTest(new MongoClient(MONGO_URL, options)), collection });
      await store.saveToken(new OAuthToken({ id: 'x', expiresAt: Number.MAX_SAFE_INTEGER }));
      const read = await store.findTokenById('x');
      expect(read?.expiresAt, JSON.stringify(options)).toBe(Number.MAX_SAFE_INTEGER);
      expect((await store.getTokens())[0]?.expiresAt).toBe(Number.MAX_SAFE_INTEGER);
    }
  });

  it('a document that is not a token gives STORE_CORRUPT naming the field, not the value', async () => {
    const collection = uniqueName('corrupt');
    const store = tracker.open({ client: admin, collection });
    await store.saveToken(new OAuthToken({ id: 'good', accessToken: 'a' }));
    const secret = 'not-a-string-secret-value';
    await admin
      .db()
      .collection(collection)
      .insertOne({ _id: sha256('bad'), id: 'bad', accessToken: { nested: secret } } as Document);
    for (const call of [() => store.findTokenById('bad'), () => store.getTokens()]) {
      const error = await rejection(call());
      expect(error.code).toBe('STORE_CORRUPT');
      expect(error.message).toContain('accessToken');
      expect(inspect(error, { depth: 8 })).not.toContain(secret);
    }
    expect((await store.findTokenById('good'))?.accessToken).toBe('a');
  });

  // Core's rule for every store: strings must be well-formed UTF-16 without NUL (BSON's UTF-8 cannot hold
  // an unpaired surrogate; FerretDB's PostgreSQL jsonb cannot hold NUL). A real OAuthToken cannot carry
  // them any more, so these go through a duck-typed token, as a caller with its own token type would.
  const duck = (fields: Partial<TokenRecord>) => ({ toRecord: () => ({ ...emptyRecord(), ...fields }) }) as unknown as OAuthToken;

  it('refuses strings BSON cannot hold exactly (unpaired surrogates) instead of altering them', async () => {
    const store = tracker.open({ client: admin, collection: uniqueName('utf') });
    expect((await rejection(store.saveToken(duck({ accessToken: 'a\uD800b' })))).code).toBe('INVALID_ARGUMENT');
    expect((await rejection(store.saveToken(duck({ id: '\uDC00' })))).code).toBe('INVALID_ARGUMENT');
    // U+FFFD is what BSON would have made of the surrogate; a lookup by the surrogate must not find it.
    await store.saveToken(new OAuthToken({ id: '\uFFFD', accessToken: 'a\uFFFDb' }));
    expect((await rejection(store.findTokenById('\uD800'))).code).toBe('INVALID_ARGUMENT');
    expect((await rejection(store.findToken(duck({ accessToken: 'a\uD800b' })))).code).toBe('INVALID_ARGUMENT');
    expect((await rejection(store.deleteToken('\uD800'))).code).toBe('INVALID_ARGUMENT');
    expect(await store.getTokens()).toHaveLength(1);
    expect((await rejection(store.lock.acquire('k\uD800', 'o', 1000))).code).toBe('INVALID_ARGUMENT');
    // Well-formed astral characters (surrogate pairs) are fine.
    const saved = await store.saveToken(new OAuthToken({ accessToken: '\u{1F511} key' }));
    expect((await store.findToken(new OAuthToken({ accessToken: '\u{1F511} key' })))?.id).toBe(saved.id);
  });

  it('NUL characters are refused before anything is written (INVALID_ARGUMENT, value-free), on MongoDB and FerretDB alike', async () => {
    const store = tracker.open({ client: admin, collection: uniqueName('nul') });
    const value = 'nul-secret\u0000inside-the-token';
    for (const call of [store.saveToken(duck({ accessToken: value })), store.findToken(duck({ accessToken: value })), store.findTokenById(value)]) {
      const error = await rejection(call);
      expect(error.code).toBe('INVALID_ARGUMENT');
      expect(inspect(error, { depth: 8 })).not.toContain('nul-secret');
    }
    expect(await store.getTokens()).toEqual([]);
  });
});

describe('indexes', () => {
  it('creates unique sparse userName, sparse grant/refresh/access digest indexes and the lease index, once per store, on first use', async () => {
    const { client, commands } = await monitoredClient();
    const collection = uniqueName('idx');
    const store = tracker.open({ client, collection });
    const createIndexes = () => commands.filter((c) => c.commandName === 'createIndexes');
    expect(createIndexes()).toHaveLength(0);
    await Promise.all([store.findTokenById('a'), store.getTokens(), store.saveToken(new OAuthToken({ accessToken: 'x' }))]);
    await store.saveToken(new OAuthToken({ accessToken: 'y' }));
    await store.deleteTokens();
    // One setup (the kit's) for both collections, whichever operation comes first.
    expect(createIndexes().map((c) => [c.command.createIndexes, indexSpec(c)])).toEqual([
      [collection, { key: { userNameDigest: 1 }, name: 'tokenstore_userName', unique: true, sparse: true }],
      [collection, { key: { grantTokenDigest: 1 }, name: 'tokenstore_grantToken', sparse: true }],
      [collection, { key: { refreshTokenDigest: 1 }, name: 'tokenstore_refreshToken', sparse: true }],
      [collection, { key: { accessTokenDigest: 1 }, name: 'tokenstore_accessToken', sparse: true }],
      [`${collection}_leases`, { key: { key: 1, gen: -1 }, name: 'tokenstore_lease', unique: true }],
    ]);
    await store.lock.acquire('k', 'o', 1000);
    await store.lock.release('k', 'o');
    expect(createIndexes()).toHaveLength(5);

    const listed = await admin.db().collection(collection).listIndexes().toArray();
    const byName = new Map(listed.map((i) => [i.name as string, i]));
    expect([...byName.keys()].sort()).toEqual(['_id_', 'tokenstore_accessToken', 'tokenstore_grantToken', 'tokenstore_refreshToken', 'tokenstore_userName']);
    expect(byName.get('tokenstore_userName')?.unique).toBe(true);

    // A second instance (another process) on the same collection: creating again is a no-op, not an error.
    const again = tracker.open({ client, collection });
    await again.ensureIndexes();
    await again.lock.acquire('k', 'o', 1000);
  });

  it('a failed index creation is retried by the next operation', async () => {
    const collection = uniqueName('retry');
    // A conflicting index of the same name makes createIndexes fail until it is dropped.
    await admin.db().collection(collection).createIndex({ other: 1 }, { name: 'tokenstore_userName' });
    const store = tracker.open({ client: admin, collection });
    const error = await rejection(store.getTokens());
    expect(error.code).toBe('STORE_FAILURE');
    await admin.db().collection(collection).dropIndex('tokenstore_userName');
    expect(await store.getTokens()).toEqual([]);
  });
});

describe('queries', () => {
  it('sends every value as { field: { $eq: <string> } } and never $where; operator-looking values match only themselves', async () => {
    const { client, commands } = await monitoredClient();
    const collection = uniqueName('inj');
    const store = tracker.open({ client, collection });
    const hostile = ['{"$gt":""}', '$ne', '{"$ne":null}', '$where', '{"$where":"sleep(100)"}', '{"$regex":".*"}', '.*'];
    for (const value of hostile) {
      await store.saveToken(new OAuthToken({ userSignature: { name: value }, clientId: value, grantToken: value, refreshToken: value, accessToken: value }));
    }
    await store.saveToken(new OAuthToken({ userSignature: { name: 'plain' }, accessToken: 'plain' }));
    // Unbound records, saved twice (the second save replaces on the condition "still no user").
    for (const value of hostile) {
      for (const scope of ['first', 'second']) await store.saveToken(new OAuthToken({ id: `unbound ${value}`, refreshToken: value, clientId: 'unbound', scope }));
    }
    for (const value of hostile) {
      for (const probe of [{ userSignature: { name: value } }, { clientId: value, grantToken: value }, { clientId: value, refreshToken: value }, { accessToken: value }]) {
        const found = await store.findToken(new OAuthToken(probe));
        expect(found?.accessToken, `${JSON.stringify(probe)}`).toBe(value);
      }
    }
    expect(await store.findToken(new OAuthToken({ accessToken: '{"$gt":"a"}' }))).toBeNull();
    const saved = await store.getTokens();
    expect(saved).toHaveLength(2 * hostile.length + 1);
    for (const token of saved) await store.deleteToken(token.id as string);

    // Every filter the store sent: fields (no top-level operator such as $where or $expr), each with
    // exactly one condition: `$eq` with a string operand, or (the "no user" condition of a replace)
    // `$exists: false` on userNameDigest.
    // (The lease collection's filters, `{ key: { $eq }, gen: { $lt } }`, hold digests and numbers only.)
    const filters = commands.flatMap((c) => {
      const cmd = c.command;
      if (cmd[c.commandName] !== collection) return [];
      if (c.commandName === 'find') return [cmd.filter as Document];
      if (c.commandName === 'delete') return (cmd.deletes as Document[]).map((d) => d.q as Document);
      if (c.commandName === 'update') return (cmd.updates as Document[]).map((u) => u.q as Document);
      return [];
    });
    expect(filters.length).toBeGreaterThan(40);
    expect(filters.some((f) => (f.userNameDigest as Document | undefined)?.$exists === false)).toBe(true);
    for (const filter of filters) {
      for (const [field, condition] of Object.entries(filter)) {
        expect(field.startsWith('$'), `top-level operator ${field}`).toBe(false);
        if (field === 'userNameDigest' && (condition as Document).$exists !== undefined) {
          expect(condition).toEqual({ $exists: false });
          continue;
        }
        expect(Object.keys(condition as Document)).toEqual(['$eq']);
        expect(typeof (condition as Document).$eq).toBe('string');
      }
    }
  });
});

describe('uniqueness', () => {
  it('tokens without a user never collide; one record per user name', async () => {
    const store = tracker.open({ client: admin, collection: uniqueName('uniq') });
    for (let i = 0; i < 5; i++) await store.saveToken(new OAuthToken({ accessToken: `anon-${i}` }));
    await store.saveToken(new OAuthToken({ userSignature: { name: 'ann' }, accessToken: 'ann-1' }));
    await store.saveToken(new OAuthToken({ userSignature: { name: 'ann' }, accessToken: 'ann-2' }));
    const tokens = await store.getTokens();
    expect(tokens).toHaveLength(6);
    expect(tokens.filter((t) => t.userSignature?.name === 'ann').map((t) => t.accessToken)).toEqual(['ann-2']);
  });

  it("replacing a record with a user name bound to another record gives STORE_CONFLICT and changes neither (FerretDB's SQLSTATE 23505 included)", async () => {
    const store = tracker.open({ client: admin, collection: uniqueName('conflict') });
    const unbound = await store.saveToken(new OAuthToken({ id: 'x', accessToken: 'x-access' }));
    const bound = await store.saveToken(new OAuthToken({ id: 'y', userSignature: { name: 'ann' }, accessToken: 'y-access', refreshToken: 'y-refresh-secret' }));
    // Matches record x by id (it has no user, so ann may adopt it), but ann already owns record y.
    const error = await rejection(store.saveToken(new OAuthToken({ id: 'x', userSignature: { name: 'ann' }, accessToken: 'new-access-secret' })));
    expect(error.code).toBe('STORE_CONFLICT');
    expect(inspect(error, { depth: 8 })).not.toContain('new-access-secret');
    expect((await store.findTokenById('x'))?.toRecord()).toEqual(unbound.toRecord());
    expect((await store.findTokenById('y'))?.toRecord()).toEqual(bound.toRecord());
  });
});

describe('replace', () => {
  it("writes only while the record's owner is the expected one (null: still no user), atomically per record", async () => {
    const collection = uniqueName('cas');
    const backend = new MongoBackend(admin, false, collectionNames(undefined, collection));
    const record = (fields: Partial<TokenRecord>): TokenRecord => ({ ...emptyRecord(), id: 'r', ...fields });
    tracker.track(collection);
    // Used without the kit, so its setup (the indexes the record lease relies on) is the test's to run.
    await backend.setup();
    await backend.insert(record({ accessToken: 'v1' }));
    expect(await backend.replace('r', record({ accessToken: 'v2', userName: 'ann' }), 'bob')).toBe(false);
    expect(await backend.replace('r', record({ accessToken: 'v2', userName: 'ann' }), null)).toBe(true);
    expect(await backend.replace('r', record({ accessToken: 'v3', userName: 'bob' }), null)).toBe(false);
    expect(await backend.replace('r', record({ accessToken: 'v3', userName: 'ann' }), 'ann')).toBe(true);
    expect(await backend.replace('gone', record({ id: 'gone' }), null)).toBe(false);
    expect(await backend.findBy('id', 'r')).toEqual([record({ accessToken: 'v3', userName: 'ann' })]);

    // Ten users race to adopt one unbound record, round after round: exactly one gets it each time.
    for (let round = 0; round < 5; round++) {
      const id = `race-${round}`;
      await backend.insert(record({ id, accessToken: 'unbound' }));
      const results = await Promise.all(Array.from({ length: 10 }, (_, i) => backend.replace(id, record({ id, userName: `user-${round}-${i}`, accessToken: `a-${i}` }), null)));
      const winners = results.flatMap((won, i) => (won ? [i] : []));
      expect(winners, `round ${round}`).toHaveLength(1);
      expect((await backend.findBy('id', id))[0]?.userName).toBe(`user-${round}-${winners[0]}`);
    }
    // The record leases were released: none is held.
    const held = await admin.db().collection(`${collection}_leases`).countDocuments({ owner: { $ne: null } });
    expect(held).toBe(0);
  });
});
