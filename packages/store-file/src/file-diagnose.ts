import { constants } from 'node:fs';
import { lstat, open } from 'node:fs/promises';
import { fileDiagnostics, type StoreDiagnostics } from '@tokenstore/core/store-kit';
import { nonRegularKind } from './file-kind.js';
import { resolveTarget } from './resolve-target.js';
import { FORMAT_VERSION } from './token-file.js';

/**
 * `RecordBackend.diagnose` for FileStore, read only: the token file (after following symbolic links:
 * the file that holds the tokens) with its mode, owner and directory mode, and the format version it
 * declares against FORMAT_VERSION. Every lookup is served from an in-memory index. A path that is not
 * a regular file (a FIFO, socket, device, directory) is a finding and is never opened.
 */
export async function diagnoseFile(path: string): Promise<Omit<StoreDiagnostics, 'store'>> {
  const target = await resolveTarget(path);
  const file = fileDiagnostics(target);
  const facts = { unindexedLookups: [], files: [file] };
  if (!file.exists) return facts;
  const content = await readRegularFile(target);
  if (typeof content !== 'string') return { ...facts, notes: [notRegular(target, content.kind)] };
  const version = declaredVersion(content);
  if (version === undefined) return { ...facts, notes: [`${target} is not a token file (no JSON object with a numeric "version"): every read fails with STORE_CORRUPT`] };
  return { ...facts, schemaVersion: { found: version, expected: FORMAT_VERSION } };
}

/**
 * The text of `target` if it is a regular file, else what it is. It is checked before opening (lstat:
 * resolveTarget already followed the links), and the open itself cannot block (O_NONBLOCK: a path
 * swapped for a FIFO in between is not waited on) and is checked again on the descriptor.
 */
async function readRegularFile(target: string): Promise<string | { kind: string }> {
  const before = nonRegularKind(await lstat(target));
  if (before !== undefined) return { kind: before };
  const handle = await open(target, constants.O_RDONLY | constants.O_NONBLOCK | constants.O_NOFOLLOW);
  try {
    const kind = nonRegularKind(await handle.stat());
    return kind === undefined ? await handle.readFile('utf8') : { kind };
  } finally {
    await handle.close();
  }
}

function notRegular(target: string, kind: string): string {
  return `${target} is ${kind}, not a regular file: FileStore cannot keep tokens in it (diagnose did not open it; use a path to a regular file)`;
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
