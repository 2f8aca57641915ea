import { multiProcessTests } from '@tokenstore/store-testkit';
import { SQLITE_STORE } from './helpers.js';

// Separate processes on one database file: no lost updates, one record per user however the saves
// interleave, and the lease is granted to exactly one process.
multiProcessTests({
  store: SQLITE_STORE,
  title: 'several processes on one SQLite file',
  prepare: (file) => void SQLITE_STORE.open(file).close(), // create the schema first so the race is about the row
});
