import { restartRecoveryTest } from '@tokenstore/store-testkit';
import { afterAll } from 'vitest';
import { MySQLStore } from '../src/index.js';
import { MYSQL_URL, adminPool, dropStoreTables, openStore } from './helpers.js';

const admin = adminPool();
afterAll(() => admin.end());

restartRecoveryTest({
  serverName: 'MariaDB',
  service: 'mysql',
  open: (table) => openStore({ table }),
  ready: (store) => store.migrate(),
  openVerifier: (table) => new MySQLStore({ uri: MYSQL_URL, table, migrate: false }),
  drop: (table) => dropStoreTables(admin, table),
});
