import { runTableStoreConformance } from '@tokenstore/store-testkit';
import { adminPool, dropStoreTables, openStore } from './helpers.js';

const admin = adminPool();

runTableStoreConformance({
  name: 'PostgresStore',
  open: (table) => openStore({ table }),
  drop: (table) => dropStoreTables(admin, table),
  end: () => admin.end(),
});
