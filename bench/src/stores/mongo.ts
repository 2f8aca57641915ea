import { createHash } from 'node:crypto';
import { RECORD_STRING_FIELDS, recordFromUnknown, type TokenRecord } from '@tokenstore/core/store-kit';
import { Long, MongoClient, type Document } from 'mongodb';
import { benchRecord } from '../lib/tokens.js';
import { serverLifecycle, serverUnavailable } from './server.js';
import type { StoreAdapter, ZohoBaseline } from './types.js';

const url = () => process.env.TOKENSTORE_MONGO_URL;
const digest = (v: string) => createHash('sha256').update(v, 'utf8').digest('hex');
const DIGEST_FIELDS = ['userName', 'grantToken', 'refreshToken', 'accessToken'] as const;

async function storeModule() {
  const mod = (await import('@tokenstore/store-mongo')) as Record<string, unknown>;
  if (typeof mod.MongoStore !== 'function') throw new Error('@tokenstore/store-mongo exports no MongoStore yet');
  return mod as unknown as typeof import('@tokenstore/store-mongo');
}

/** The document MongoStore writes for a record (see store-mongo's documents.ts). */
function toDocument(r: TokenRecord): Document {
  const doc: Document = { _id: digest(r.id as string) };
  for (const f of RECORD_STRING_FIELDS) if (r[f] !== null) doc[f] = r[f];
  if (r.expiresAt !== null) doc.expiresAt = Long.fromNumber(r.expiresAt);
  for (const f of DIGEST_FIELDS) if (r[f] !== null) doc[`${f}Digest`] = digest(r[f] as string);
  return doc;
}

const newClient = () => new MongoClient(url() as string, { appName: 'tokenstore-bench', serverSelectionTimeoutMS: 5000 });

async function insertBulk(client: MongoClient, collection: string, from: number, to: number, shape: (r: TokenRecord) => Document): Promise<void> {
  const c = client.db().collection(collection);
  const step = 5000;
  for (let i = from; i < to; i += step) {
    const docs: Document[] = [];
    for (let k = i; k < Math.min(to, i + step); k++) docs.push(shape(benchRecord(k)));
    await c.insertMany(docs, { ordered: false });
  }
}

export const mongoAdapter: StoreAdapter = {
  kind: 'mongo',
  label: 'MongoStore',
  shared: true,
  unavailable: () =>
    serverUnavailable({
      env: 'TOKENSTORE_MONGO_URL',
      url: url(),
      storeModule,
      server: 'MongoDB (FerretDB)',
      async probe() {
        const client = newClient();
        try {
          await client.db().command({ ping: 1 });
        } finally {
          await client.close();
        }
      },
    }),
  async open(name) {
    const { MongoStore } = await storeModule();
    const client = newClient();
    await client.connect();
    const db = client.db();
    for (const c of [name, `${name}_leases`]) await db.collection(c).drop().catch(() => undefined);
    const store = new MongoStore({ client, collection: name });
    await store.ensureIndexes();
    const tokens = db.collection(name);
    const read = { promoteLongs: true } as const;
    return {
      kind: 'mongo',
      store,
      bulkLoad: (from, to) => insertBulk(client, name, from, to, toDocument),
      leaseCount: () => db.collection(`${name}_leases`).countDocuments(),
      // MongoStore's lock spreads keys over 256 slots and keeps each used slot's top generation.
      leaseBound: { entries: 256, why: 'one per lease slot' },
      raw: {
        label: 'mongodb driver, same MongoClient',
        // The store's own filter: the indexed digest plus the value itself.
        findByUser: (user) => tokens.findOne({ userNameDigest: { $eq: digest(user) }, userName: { $eq: user } }, read),
        updateById: (r) => {
          const { _id, ...replacement } = toDocument(r);
          return tokens.replaceOne({ _id: { $eq: _id } }, replacement);
        },
        selectThenUpdate: async (r) => {
          const { _id, ...replacement } = toDocument(r);
          await tokens.find({ _id: { $eq: _id }, id: { $eq: r.id } }, read).toArray();
          return tokens.replaceOne({ _id: { $eq: _id } }, replacement);
        },
      },
      ...serverLifecycle(
        store,
        async () => {
          for (const c of [name, `${name}_leases`]) await db.collection(c).drop().catch(() => undefined);
        },
        () => client.close(),
      ),
    };
  },
  async openStoreOnly(name) {
    const { MongoStore } = await storeModule();
    return new MongoStore({ url: url() as string, collection: name });
  },
  async zoho(name) {
    // Zoho never shipped a Mongo store; the same pattern: a new client per call, a plain document
    // per token with no index, saveToken = delete then insert.
    const collection = `${name}_zoho`;
    const admin = newClient();
    await admin.db().collection(collection).drop().catch(() => undefined);
    const plain = (r: TokenRecord): Document => ({ ...r });
    const once = async <T>(body: (c: MongoClient) => Promise<T>): Promise<T> => {
      const c = newClient();
      try {
        await c.connect();
        return await body(c);
      } finally {
        await c.close();
      }
    };
    return {
      label: 'new MongoClient per call, no index',
      load: (rows) => insertBulk(admin, collection, 0, rows, plain),
      findByUser: (user) =>
        once(async (c) => {
          const doc = await c.db().collection(collection).findOne({ userName: user }, { projection: { _id: 0 } });
          return doc ? recordFromUnknown(doc) : null;
        }),
      async save(r) {
        await once((c) => c.db().collection(collection).deleteMany({ userName: r.userName }));
        await once((c) => c.db().collection(collection).insertOne(plain(r)));
      },
      async drop() {
        await admin.db().collection(collection).drop().catch(() => undefined);
        await admin.close();
      },
    } satisfies ZohoBaseline;
  },
};
