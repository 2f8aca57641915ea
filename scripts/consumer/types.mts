// An ESM TypeScript app (nodenext and bundler resolution): every package's public types, used as documented.
import * as vitest from 'vitest';
import { MemoryStore, OAuthToken, TokenStoreError, isTokenStoreError, type TokenStore } from '@tokenstore/core';
import { runTokenStoreConformance, type ConformanceOptions } from '@tokenstore/conformance';
import { FileStore } from '@tokenstore/store-file';
import { SQLiteStore } from '@tokenstore/store-sqlite';
import { PostgresStore } from '@tokenstore/store-postgres';
import { MySQLStore } from '@tokenstore/store-mysql';
import { MongoStore } from '@tokenstore/store-mongo';

const stores: TokenStore[] = [
  new MemoryStore(),
  new FileStore({ path: 'tokens.json' }),
  new SQLiteStore({ filename: 'tokens.db' }),
  new PostgresStore({ connectionString: 'postgres://localhost/db' }),
  new MySQLStore({ uri: 'mysql://localhost/db' }),
  new MongoStore({ url: 'mongodb://localhost/db' }),
];
const token: OAuthToken = new OAuthToken({ clientId: 'c', refreshToken: 'r', userSignature: { name: 'u' } });
export const saved: Promise<OAuthToken> = stores[0]!.saveToken(token);
export const code: string | undefined = isTokenStoreError(new TokenStoreError('INVALID_ARGUMENT', 'x')) ? 'INVALID_ARGUMENT' : undefined;
const options: ConformanceOptions = { name: 'MemoryStore', createStore: async () => new MemoryStore() };
runTokenStoreConformance(vitest, options);
