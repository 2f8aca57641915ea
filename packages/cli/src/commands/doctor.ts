import { TokenStoreError, isTokenStoreError } from '@tokenstore/core';
import type { Command } from '../command.js';
import { CliErrorCode } from '../cli-error.js';
import { leaseCheck, permissionCheck, readCheck } from '../doctor/access-checks.js';
import { problem, type Finding } from '../doctor/finding.js';
import { schemaChecks } from '../doctor/schema-checks.js';
import { ExitCode } from '../exit-codes.js';
import { loadPackage } from '../load-package.js';
import { closeQuietly, openStore, type OpenedStore } from '../open-store.js';
import { parseCommandArgs } from '../parse-args.js';
import { parseStoreUrl, type StoreLocation } from '../store-url.js';

const STORE_CLASSES: Record<StoreLocation['kind'], string> = { sqlite: 'SQLiteStore', file: 'FileStore', postgres: 'PostgresStore', mysql: 'MySQLStore', mongodb: 'MongoStore' };

export const doctorCommand: Command = {
  name: 'doctor',
  summary: 'check a store: connection, schema version, indexes, refresh lease, file permissions',
  help: `Usage: tokenstore doctor <store-url> [--json]

Connects, reads, checks the schema version and that every lookup is indexed,
takes and releases a refresh lease, and (sqlite:, file:) checks that the file is
readable by its owner only. Says what is wrong in plain words. Changes nothing
(PostgreSQL and MySQL are opened without migrating; a SQLite file is created
and migrated as any open would, a missing one is reported first).

Options:
  --json      the findings as one JSON array on stdout
  -h, --help  this help
Exit code 0 when every check passed (warnings allowed), 4 when one failed.
`,
  async run(args, { io, importer }) {
    const { values, positionals } = parseCommandArgs('doctor', args, { json: { type: 'boolean' } }, 1);
    if (values.help) return io.out(this.help), ExitCode.OK;
    const location = parseStoreUrl(positionals[0] as string);
    const findings: Finding[] = [];
    const permissions = permissionCheck(location);
    if (permissions) findings.push(permissions);
    let opened: OpenedStore | undefined;
    if (!(location.kind === 'sqlite' && permissions && !permissions.ok && permissions.detail.endsWith('does not exist'))) {
      try {
        opened = await openStore(positionals[0] as string, { importer, noMigrate: true });
        const module = await loadPackage(location.packageName, 'doctor', importer);
        const version = (module[STORE_CLASSES[location.kind]] as { SCHEMA_VERSION?: number } | undefined)?.SCHEMA_VERSION;
        // Schema first: on a database where the store was never created, "relation does not exist"
        // from a read would say less than "no migrations table".
        const schema = await schemaChecks(location, opened.raw as never, version).catch(async (error: unknown) => {
          // A raw driver error (the server is down, say): let the store classify it through a read.
          if (!isTokenStoreError(error)) await readCheck(opened!.raw);
          throw error;
        });
        findings.push(...schema);
        if (schema.every((f) => f.ok)) {
          findings.push(await readCheck(opened.raw));
          findings.push(await leaseCheck(opened.raw));
        }
      } catch (error) {
        if (isTokenStoreError(error, CliErrorCode.STORE_PACKAGE_MISSING)) throw error;
        findings.push(problem('connect', plainWords(error)));
      } finally {
        await closeQuietly(opened?.raw);
      }
    }
    if (values.json) io.out(`${JSON.stringify(findings, null, 2)}\n`);
    else for (const f of findings) io.out(`${f.ok ? (f.warning ? 'warn' : 'ok  ') : 'FAIL'}  ${f.check}: ${f.detail}\n`);
    if (findings.some((f) => !f.ok)) throw new TokenStoreError(CliErrorCode.CHECK_FAILED, `doctor: ${findings.filter((f) => !f.ok).length} problem(s) found in ${location.display}`);
    return ExitCode.OK;
  },
};

/** What a store error means for an operator. The message is the store's own (secret-free by contract). */
function plainWords(error: unknown): string {
  const code = isTokenStoreError(error) ? error.code : 'STORE_FAILURE';
  const advice: Record<string, string> = {
    STORE_UNAVAILABLE: 'the server or file cannot be reached: is it running, is the address right, is the network open?',
    STORE_CORRUPT: 'the stored data cannot be read back; nothing was changed: restore from a backup or fix it by hand',
    STORE_FAILURE: 'the store reported a failure',
    INVALID_ARGUMENT: 'the URL or its options are not accepted',
  };
  // Only a TokenStoreError's message is printed: stores keep secrets out of it, a raw driver's may not.
  return isTokenStoreError(error) ? `${code}: ${advice[code] ?? 'the store refused'} (${error.message})` : `${code}: ${advice[code]}`;
}
