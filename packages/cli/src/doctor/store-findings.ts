import { LOOKUP_FIELDS, type FileDiagnostics, type StoreDiagnostics } from '@tokenstore/core/store-kit';
import { ok, problem, warning, type Finding } from './finding.js';

/** What doctor can say about a store from its own `diagnose()` (the store kit's; stores report facts, doctor judges). */
export function diagnosticFindings(d: StoreDiagnostics): Finding[] {
  const findings: Finding[] = [];
  for (const file of d.files ?? []) findings.push(fileFinding(file));
  findings.push(schemaFinding(d));
  if (d.unindexedLookups !== undefined) findings.push(indexFinding(d.unindexedLookups));
  for (const note of d.notes ?? []) findings.push(warning(d.store, note));
  return findings;
}

function schemaFinding(d: StoreDiagnostics): Finding {
  const version = d.schemaVersion;
  if (version === undefined) return ok('schema version', `${d.store} keeps no schema version (its data is checked as it is read)`);
  const { found, expected } = version;
  if (found === null) return problem('schema version', `none: the store was never created here; open it once with migrations enabled (any tokenstore command but doctor does)`);
  if (found === expected) return ok('schema version', `${found}`);
  if (found < expected) return problem('schema version', `${found}, this release expects ${expected}: open the store once with migrations enabled (any tokenstore command but doctor does)`);
  return problem('schema version', `${found} is newer than this release (${expected}): upgrade the store package`);
}

function indexFinding(unindexed: readonly string[]): Finding {
  if (unindexed.length === 0) return ok('indexes', `every lookup is indexed (${LOOKUP_FIELDS.length})`);
  return problem('indexes', `no index serves the ${unindexed.join(', ')} lookup${unindexed.length === 1 ? '' : 's'}: each one scans every record; let the store migrate (open it once with migrations enabled)`);
}

/** Token files hold refresh tokens and client secrets: only their owner may read them, and nobody else replace them. */
function fileFinding(file: FileDiagnostics): Finding {
  if (!file.exists) return problem('file permissions', `${file.path} does not exist`);
  const found: string[] = [];
  const mode = file.mode ?? 0;
  if (mode & 0o077) found.push(`${file.path} is readable or writable by others (mode ${mode.toString(8)}): it holds every user's tokens; run chmod 600 ${file.path}`);
  if (file.directoryMode !== undefined && file.directoryMode & 0o002) found.push(`its directory is writable by everyone (mode ${file.directoryMode.toString(8)}): anyone can replace the file`);
  if (found.length > 0) return problem('file permissions', found.join('; '));
  const uid = process.getuid?.();
  if (uid !== undefined && file.ownerUid !== undefined && file.ownerUid !== uid) {
    return warning('file permissions', `mode ${mode.toString(8)}, but owned by uid ${file.ownerUid}, not this user (uid ${uid}): run doctor as the user the application runs as`);
  }
  return ok('file permissions', `mode ${mode.toString(8)}`);
}
