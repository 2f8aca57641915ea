import { readFile } from 'node:fs/promises';
import { fileDiagnostics, type StoreDiagnostics } from '@tokenstore/core/store-kit';
import { resolveTarget } from './resolve-target.js';
import { FORMAT_VERSION } from './token-file.js';

/**
 * `RecordBackend.diagnose` for FileStore, read only: the token file (after following symbolic links:
 * the file that holds the tokens) with its mode, owner and directory mode, and the format version it
 * declares against FORMAT_VERSION. Every lookup is served from an in-memory index.
 */
export async function diagnoseFile(path: string): Promise<Omit<StoreDiagnostics, 'store'>> {
  const target = await resolveTarget(path);
  const file = fileDiagnostics(target);
  const facts = { unindexedLookups: [], files: [file] };
  if (!file.exists) return facts;
  const version = declaredVersion(await readFile(target, 'utf8'));
  if (version === undefined) return { ...facts, notes: [`${target} is not a token file (no JSON object with a numeric "version"): every read fails with STORE_CORRUPT`] };
  return { ...facts, schemaVersion: { found: version, expected: FORMAT_VERSION } };
}

/** The file's `version`, without validating its tokens (reads report those) and without quoting content. */
function declaredVersion(text: string): number | undefined {
  try {
    const version = (JSON.parse(text) as { version?: unknown } | null)?.version;
    return typeof version === 'number' ? version : undefined;
  } catch {
    return undefined;
  }
}
