// A CommonJS TypeScript app (node16 / nodenext, CommonJS output): every package's public types through
// the packages' `require` conditions (their .d.cts files). vitest is ESM-only, so a CommonJS app can
// only name its types (resolution-mode import); the conformance package's CJS types must allow that.
import core = require('@tokenstore/core');
import conformance = require('@tokenstore/conformance');
import file = require('@tokenstore/store-file');
import sqlite = require('@tokenstore/store-sqlite');
import postgres = require('@tokenstore/store-postgres');
import mysql = require('@tokenstore/store-mysql');
import mongo = require('@tokenstore/store-mongo');
import type * as Vitest from 'vitest' with { 'resolution-mode': 'import' };

const stores: core.TokenStore[] = [
  new core.MemoryStore(),
  new file.FileStore({ path: 'tokens.json' }),
  new sqlite.SQLiteStore({ filename: 'tokens.db' }),
  new postgres.PostgresStore({ connectionString: 'postgres://localhost/db' }),
  new mysql.MySQLStore({ uri: 'mysql://localhost/db' }),
  new mongo.MongoStore({ url: 'mongodb://localhost/db' }),
];
const token: core.OAuthToken = new core.OAuthToken({ clientId: 'c', refreshToken: 'r', userSignature: { name: 'u' } });
export const saved: Promise<core.OAuthToken> = stores[0]!.saveToken(token);

declare const vitest: typeof Vitest;
const options: conformance.ConformanceOptions = { name: 'MemoryStore', createStore: async () => new core.MemoryStore() };
conformance.runTokenStoreConformance(vitest, options);
export const ids: readonly string[] = conformance.conformanceTestIds;
