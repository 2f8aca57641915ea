import { resolve } from 'node:path';
import { RecordTokenStore, TokenStoreError } from '@tokenstore/core/store-kit';
import { FileBackend } from './file-backend.js';

export interface FileStoreOptions {
  /** The JSON file (created on the first write, with its directories). Relative paths resolve against the cwd at construction. */
  path: string;
  /** How long a write waits for a live holder's lock before failing with STORE_UNAVAILABLE. Default 10000 ms. */
  lockTimeoutMs?: number;
  /**
   * Only for a lock whose holder this host cannot check (another host or pid namespace, no /proc):
   * stale once its heartbeat stopped this long. A holder this host can check keeps its lock while it
   * lives, however long. Default 30000 ms.
   */
  staleLockMs?: number;
  /** Clock for lease expiry, in epoch ms (tests). Default `Date.now`. */
  now?: () => number;
}

const DEFAULT_LOCK_TIMEOUT_MS = 10_000;
const DEFAULT_STALE_LOCK_MS = 30_000;

/**
 * A TokenStore in one human-readable JSON file, safe to share between the processes and threads of
 * one host: atomic durable writes, read-modify-write under a lock file that only a provably gone
 * holder loses, fenced right before the rename; symbolic links written through to their target;
 * reads from memory revalidated by stat. `lock` is a lease file per key. See README.md for the format and the guarantees.
 */
export class FileStore extends RecordTokenStore {
  /** The absolute path of the token file. */
  readonly path: string;

  constructor(options: FileStoreOptions) {
    if (options === null || typeof options !== 'object') throw new TokenStoreError('INVALID_ARGUMENT', 'FileStore: options must be an object');
    const { path } = options;
    if (typeof path !== 'string' || path === '' || path.includes('\0')) throw new TokenStoreError('INVALID_ARGUMENT', 'FileStore: path must be a non-empty string');
    const lockTimeoutMs = positive(options.lockTimeoutMs ?? DEFAULT_LOCK_TIMEOUT_MS, 'lockTimeoutMs');
    const staleLockMs = positive(options.staleLockMs ?? DEFAULT_STALE_LOCK_MS, 'staleLockMs');
    const now = options.now ?? Date.now;
    if (typeof now !== 'function') throw new TokenStoreError('INVALID_ARGUMENT', 'FileStore: now must be a function');
    const absolute = resolve(path);
    super(new FileBackend({ path: absolute, lockTimeoutMs, staleLockMs, now }), 'FileStore');
    this.path = absolute;
  }
}

function positive(value: unknown, name: string): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0) throw new TokenStoreError('INVALID_ARGUMENT', `FileStore: ${name} must be a positive number`);
  return value;
}
