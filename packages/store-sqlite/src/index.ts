export { SQLiteStore, type SQLiteStoreOptions, type SQLiteFileOptions, type SQLiteDatabaseOptions } from './sqlite-store.js';
