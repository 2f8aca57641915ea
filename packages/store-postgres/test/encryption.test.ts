import { encryptedStore } from '@tokenstore/core';
import { encryptionAtRestTests, runTableStoreConformance, testEncryptionKey, uniqueName } from '@tokenstore/store-testkit';
import { adminPool, dropStoreTables, openStore } from './helpers.js';

const keys = [testEncryptionKey('conformance')];
const admin = adminPool();

// The whole contract, with every secret encrypted on its way to PostgreSQL.
runTableStoreConformance({
  name: 'PostgresStore under encryptedStore',
  open: (table) => encryptedStore(openStore({ table }), { keys }),
  drop: (table) => dropStoreTables(admin, table),
  end: () => admin.end(),
});

encryptionAtRestTests({
  name: 'PostgresStore',
  async open() {
    const table = uniqueName('enc');
    const store = openStore({ table });
    const reader = adminPool();
    // Every row of the token table and the lease table, as the server returns them.
    const dump = async () => {
      const tokens = await reader.query(`SELECT * FROM "public"."${table}"`);
      const leases = await reader.query(`SELECT * FROM "public"."${table}_leases"`).catch(() => ({ rows: [] }));
      return JSON.stringify([tokens.rows, leases.rows]);
    };
    return { store, dump, cleanup: async () => { await dropStoreTables(reader, table); await reader.end(); } };
  },
});
