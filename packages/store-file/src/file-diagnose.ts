import { fileDiagnostics, type StoreDiagnostics } from '@tokenstore/core/store-kit';
import { resolveTarget } from './resolve-target.js';

/**
 * `RecordBackend.diagnose` for FileStore, read only: the token file (after following symbolic links:
 * the file that holds the tokens) with its mode, owner and directory mode. The format version is
 * checked on every read, and every lookup is served from an in-memory index.
 */
export async function diagnoseFile(path: string): Promise<Omit<StoreDiagnostics, 'store'>> {
  return { unindexedLookups: [], files: [fileDiagnostics(await resolveTarget(path))] };
}
