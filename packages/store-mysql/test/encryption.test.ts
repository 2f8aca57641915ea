import { encryptedStore } from '@tokenstore/core';
import { encryptionAtRestTests, runTableStoreConformance, testEncryptionKey, uniqueName } from '@tokenstore/store-testkit';
import { adminPool, dropStoreTables, openStore } from './helpers.js';

const keys = [testEncryptionKey('conformance')];
const admin = adminPool();

// The whole contract, with every secret encrypted on its way to MySQL (MariaDB).
runTableStoreConformance({
  name: 'MySQLStore (MariaDB) under encryptedStore',
  open: (table) => encryptedStore(openStore({ table }), { keys }),
  drop: (table) => dropStoreTables(admin, table),
  end: () => admin.end(),
});

encryptionAtRestTests({
  name: 'MySQLStore',
  async open() {
    const table = uniqueName('enc');
    const store = openStore({ table });
    const reader = adminPool();
    // Every row of the token table and the lease table, binary columns (digests) as hex.
    const dump = async () => {
      const [tokens] = await reader.query(`SELECT * FROM \`${table}\``);
      const [leases] = await reader.query(`SELECT * FROM \`${table}_leases\``).catch(() => [[]]);
      return JSON.stringify([tokens, leases], (_key, value: unknown) => (Buffer.isBuffer(value) ? value.toString('hex') : value));
    };
    return { store, dump, cleanup: async () => { await dropStoreTables(reader, table); await reader.end(); } };
  },
});
