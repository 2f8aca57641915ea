import { statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import type { FileDiagnostics } from './store-diagnostics.js';

/**
 * What `stat` says about a token file and its directory (for `StoreDiagnostics.files`): whether it
 * exists, its permission bits and owner, and its directory's permission bits. Reads only.
 */
export function fileDiagnostics(path: string): FileDiagnostics {
  const absolute = resolve(path);
  const directoryMode = modeOf(dirname(absolute));
  let info;
  try {
    info = statSync(absolute);
  } catch {
    return { path: absolute, exists: false, ...(directoryMode === undefined ? {} : { directoryMode }) };
  }
  return { path: absolute, exists: true, mode: info.mode & 0o777, ownerUid: info.uid, ...(directoryMode === undefined ? {} : { directoryMode }) };
}

function modeOf(path: string): number | undefined {
  try {
    return statSync(path).mode & 0o777;
  } catch {
    return undefined;
  }
}
