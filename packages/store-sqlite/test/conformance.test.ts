import { runFileStoreConformance } from '@tokenstore/store-testkit';
import { SQLITE_STORE } from './helpers.js';

runFileStoreConformance('SQLiteStore', SQLITE_STORE);
