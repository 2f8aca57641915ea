// The durability module (`npm run durability`): the suite's crash and multi-process tests. Its child
// processes import this file with plain node, so it is JavaScript and imports the BUILT package
// (`npm run build` first). See "The durability suite" in the @tokenstore/conformance README.
import { randomUUID } from 'node:crypto';
import { __STORE_CLASS__ } from './dist/index.js';

// Why every test is skipped for now: the in-memory starting point keeps its records in one process,
// so a killed child's saves and other processes' saves are not there to find. Once the backend writes
// to your database, open the location in openStore and remove these skips one by one.
const IN_MEMORY = 'the in-memory starting point keeps no data beyond its process (remove once the backend writes to the database)';

export default {
  name: '__STORE_CLASS__',
  createStore: async () => new __STORE_CLASS__(),
  durability: {
    // A new, empty location for each test: a table, collection or key prefix of your database.
    createLocation: () => `durability_${randomUUID().replaceAll('-', '')}`,
    // Called in this process and in every child: open the store on that location.
    openStore: (_location) => new __STORE_CLASS__(/* connection options, table: location */),
    // Drop the location's table here once createLocation makes one.
    destroyLocation: async (_location) => {},
    // Set to true once `lock` is a lease in the database (processes must exclude each other).
    refreshRace: false,
    skip: {
      'durability.crash.acknowledged-saves-survive': IN_MEMORY,
      'durability.processes.no-lost-update': IN_MEMORY,
      'durability.processes.one-record-per-user': IN_MEMORY,
      'durability.processes.one-lease-holder': IN_MEMORY,
    },
  },
};
