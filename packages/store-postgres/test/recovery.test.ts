import { restartRecoveryTest } from '@tokenstore/store-testkit';
import { afterAll } from 'vitest';
import { PostgresStore } from '../src/index.js';
import { PG_URL, adminPool, dropStoreTables, openStore } from './helpers.js';

const admin = adminPool();
afterAll(() => admin.end());

restartRecoveryTest({
  serverName: 'PostgreSQL',
  service: 'postgres',
  open: (table) => openStore({ table }),
  ready: (store) => store.migrate(),
  openVerifier: (table) => new PostgresStore({ connectionString: PG_URL, table, migrate: false }),
  drop: (table) => dropStoreTables(admin, table),
});
