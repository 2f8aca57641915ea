export {
  PostgresStore,
  type PostgresStoreOptions,
  type PostgresPoolOptions,
  type PostgresConnectionOptions,
} from './postgres-store.js';
export { PostgresDriverError } from './postgres-errors.js';
export type { MigrationResult } from './migrations.js';
