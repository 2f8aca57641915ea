import { printedStoreTest } from '@tokenstore/store-testkit';
import { describe } from 'vitest';
import { PostgresStore } from '../src/index.js';

describe('PostgresStore printed by the app', () => {
  printedStoreTest({ name: 'PostgresStore', open: (password) => new PostgresStore({ connectionString: `postgres://app:${password}@127.0.0.1:1/app` }) });
});
