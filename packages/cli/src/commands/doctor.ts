import { TokenStoreError, isTokenStoreError, type TokenStore } from '@tokenstore/core';
import type { StoreDiagnostics } from '@tokenstore/core/store-kit';
import type { Command } from '../command.js';
import { CliErrorCode } from '../cli-error.js';
import { leaseCheck, missingDatabaseFile, readCheck } from '../doctor/access-checks.js';
import { problem, warning, type Finding } from '../doctor/finding.js';
import { diagnosticFindings } from '../doctor/store-findings.js';
import { ExitCode } from '../exit-codes.js';
import { closeQuietly, openStore, type OpenedStore } from '../open-store.js';
import { parseCommandArgs } from '../parse-args.js';
import { parseStoreUrl } from '../store-url.js';

type Diagnosable = TokenStore & { diagnose(): Promise<StoreDiagnostics> };

export const doctorCommand: Command = {
  name: 'doctor',
  summary: 'check a store: connection, schema version, indexes, refresh lease, file permissions',
  help: `Usage: tokenstore doctor <store-url> [--json]

Connects, asks the store to diagnose itself (schema version found and expected,
lookups without an index, the mode and owner of token files), reads, and takes
and releases a refresh lease. Says what is wrong in plain words. Changes nothing
(PostgreSQL and MySQL are opened without migrating; a missing SQLite file is
reported, not created).

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
    const missing = missingDatabaseFile(location);
    if (missing) findings.push(missing);
    let opened: OpenedStore | undefined;
    if (!missing) {
      try {
        opened = await openStore(positionals[0] as string, { importer, noMigrate: true });
        // Only the store's public surface: diagnose() (the store kit's) and the contract itself.
        const store = opened.raw as Partial<Diagnosable> & TokenStore;
        const diagnosed = typeof store.diagnose === 'function' ? diagnosticFindings(await store.diagnose()) : [warning('diagnose', 'this store cannot diagnose itself (it is not built on the store kit): schema and indexes not checked')];
        findings.push(...diagnosed);
        // A store never created (or needing a migration) would fail the read with less helpful words.
        if (diagnosed.every((f) => f.ok || f.check === 'file permissions')) {
          findings.push(await readCheck(store));
          findings.push(await leaseCheck(store));
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
