import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

/**
 * The test servers scripts/services runs (PostgreSQL, MariaDB, FerretDB), from the TOKENSTORE_*_URL
 * variables it prints, with its defaults. Tests fail, never skip, when a server is unreachable.
 */
export const TEST_URLS = {
  postgres: process.env.TOKENSTORE_PG_URL ?? 'postgres://tokenstore:tokenstore@127.0.0.1:5432/tokenstore_test',
  mysql: process.env.TOKENSTORE_MYSQL_URL ?? 'mysql://tokenstore:tokenstore@127.0.0.1:3306/tokenstore_test',
  mongo: process.env.TOKENSTORE_MONGO_URL ?? 'mongodb://127.0.0.1:27017/tokenstore_test',
} as const;

export type TestService = keyof typeof TEST_URLS;

export const SERVICES_SCRIPT = fileURLToPath(new URL('../../../scripts/services', import.meta.url));

/** Stops and starts one server (`scripts/services restart <service>`); resolves once it is back. */
export async function restartService(service: TestService): Promise<void> {
  await promisify(execFile)('bash', [SERVICES_SCRIPT, 'restart', service]);
}
