import { printedStoreTest } from '@tokenstore/store-testkit';
import { describe } from 'vitest';
import { MongoStore } from '../src/index.js';

describe('MongoStore printed by the app', () => {
  printedStoreTest({ name: 'MongoStore', open: (password) => new MongoStore({ url: `mongodb://app:${password}@127.0.0.1:1/app` }) });
});
