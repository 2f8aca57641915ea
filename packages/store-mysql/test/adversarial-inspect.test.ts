import { printedStoreTest } from '@tokenstore/store-testkit';
import { describe } from 'vitest';
import { MySQLStore } from '../src/index.js';

describe('MySQLStore printed by the app', () => {
  printedStoreTest({ name: 'MySQLStore', open: (password) => new MySQLStore({ uri: `mysql://app:${password}@127.0.0.1:1/app` }) });
});
