export { MySQLStore, type MySQLStoreOptions, type MySQLPoolOptions, type MySQLUriOptions } from './mysql-store.js';
export { MySQLDriverError } from './mysql-errors.js';
export type { MigrationResult } from './migrations.js';
