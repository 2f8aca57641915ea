import { createHash } from 'node:crypto';
import { isTokenStoreError, type RefreshLock } from '@tokenstore/core';
import { openRegularFile } from './file-kind.js';
import { writeFileAtomic } from './atomic-write.js';
import { unlinkIfPresent } from './lock-file.js';

interface Lease {
  owner: string;
  expiresAt: number;
}

/**
 * Runs `body` holding the lock of the lease file `name` (in the lease directory, which exists by
 * then): the file's path, and the write fence.
 */
export type LeaseLocked = <T>(name: string, body: (context: { file: string; assertHeld(): Promise<void> }) => Promise<T>) => Promise<T>;

/**
 * RefreshLock as one lease file per key in `<target>.leases/` (named by the key's SHA-256, so any key
 * is a safe file name and none is written in clear). Each file records `{ owner, expiresAt }`.
 * A lease file is read and written under its own cross-process lock (`<lease file>.lock`, the same
 * LockFile as the token file's), so two processes can never both find a lease free; a lease never
 * waits for the token file's lock (every save holds it) nor for another key's lease. An expired lease
 * is free: a crashed holder blocks others for at most its ttl. Processes share one clock (same host,
 * or hosts with synchronised clocks).
 */
export class FileLease implements RefreshLock {
  readonly #locked: LeaseLocked;
  readonly #now: () => number;

  constructor(locked: LeaseLocked, now: () => number) {
    this.#locked = locked;
    this.#now = now;
  }

  async acquire(key: string, owner: string, ttlMs: number): Promise<boolean> {
    return this.#locked(leaseName(key), async ({ file, assertHeld }) => {
      const now = this.#now();
      const held = await readLease(file);
      if (held !== null && held.owner !== owner && held.expiresAt > now) return false;
      // Not fsynced: a lease only has to outlive a process crash (the page cache does), and after a
      // machine crash every holder is gone anyway. Fenced like the token file: a writer that lost the
      // lock cannot grant a lease someone else holds.
      await writeFileAtomic(file, JSON.stringify({ owner, expiresAt: Math.ceil(now + ttlMs) } satisfies Lease), { durable: false, beforeRename: assertHeld });
      return true;
    });
  }

  async release(key: string, owner: string): Promise<void> {
    await this.#locked(leaseName(key), async ({ file, assertHeld }) => {
      if ((await readLease(file))?.owner !== owner) return;
      await assertHeld();
      await unlinkIfPresent(file);
    });
  }
}

function leaseName(key: string): string {
  return `${createHash('sha256').update(key, 'utf8').digest('hex')}.json`;
}

/** The lease in `file`, or null when there is none (or it is unreadable: a lease is only a hint). */
async function readLease(file: string): Promise<Lease | null> {
  let raw: string;
  try {
    const handle = await openRegularFile(file, 'lease file');
    try {
      raw = await handle.readFile('utf8');
    } finally {
      await handle.close();
    }
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    // Not a regular file (a FIFO would have blocked the read): no lease; the acquire renames one over it.
    if (isTokenStoreError(error, 'INVALID_ARGUMENT')) return null;
    throw error;
  }
  try {
    const lease = JSON.parse(raw) as Partial<Lease>;
    if (typeof lease.owner === 'string' && typeof lease.expiresAt === 'number') return lease as Lease;
  } catch {
    // A damaged lease file counts as no lease; the next acquire overwrites it.
  }
  return null;
}
