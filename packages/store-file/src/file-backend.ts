import { readdir } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { type LookupField, type RecordBackend, type RecordIndex, type StoreDiagnostics, type TokenRecord, TokenStoreError } from '@tokenstore/core/store-kit';
import { ensureDir, fsyncDir, TEMP_SUFFIX, tempPrefix, writeFileAtomic } from './atomic-write.js';
import { insertAll } from './file-bulk.js';
import { diagnoseFile } from './file-diagnose.js';
import { FileLease } from './file-lease.js';
import { toStoreError } from './file-errors.js';
import { assertRegularFile } from './file-kind.js';
import { currentIdentity, digestOf, identityOf, readSnapshot, sameIdentity, trustedByStat, type Snapshot } from './file-snapshot.js';
import { ageOf, type HeldLock, LockFile, unlinkIfPresent } from './lock-file.js';
import { resolveTarget } from './resolve-target.js';
import { isProcessAlive } from './process-liveness.js';
import { withProcessMutex } from './process-mutex.js';
import { serialize } from './token-file.js';
import { statSync } from 'node:fs';

/** A temp file older than this is garbage whatever its pid says (pids get reused). */
const LEFTOVER_MAX_AGE_MS = 60_000;

export interface FileBackendOptions {
  path: string;
  lockTimeoutMs: number;
  staleLockMs: number;
  now: () => number;
  /** Test seam: runs under the lock, after the read and right before the fence check of a write. */
  beforeCommit?: () => Promise<void>;
}

/** What a body run under the lock gets: where the files are, and the fence to call before a rename. */
export interface LockedContext {
  /** The token file after following symbolic links: the file that is replaced. */
  readonly target: string;
  /** Throws STORE_UNAVAILABLE unless this writer still holds the lock (call right before a rename). */
  assertHeld(): Promise<void>;
}

/**
 * The RecordBackend over one JSON file.
 *
 * Reads: served from the last loaded version of the file. Each read first checks that the file is
 * still that version with one stat (device, inode, size, mtime, ctime); only a changed file is read
 * and parsed again. Right after a write (within the mtime's racy window) the stat cannot prove
 * anything, so the file is re-read and its bytes' SHA-256 compared instead; see file-snapshot.ts.
 *
 * Writes: each is a read-modify-write under the lock file: follow symbolic links to the target,
 * re-read it from disk (never trusting the cache), apply the change with the unique checks, write
 * atomically and durably next to the target. Fenced: right before the rename the writer checks that
 * the lock is still its own and the target is still the version it read; otherwise it writes nothing
 * and fails (STORE_UNAVAILABLE), so a writer whose lock was taken over never overwrites its
 * successor. A corrupt file fails the read, so it is never overwritten.
 */
export class FileBackend implements RecordBackend {
  readonly lock: FileLease;
  readonly #path: string;
  readonly #options: FileBackendOptions;
  #snapshot: Snapshot | null = null;
  /** Targets this instance already swept for leftovers (once per target, and after a broken lock). */
  readonly #swept = new Set<string>();

  constructor(options: FileBackendOptions) {
    this.#path = options.path;
    this.#options = options;
    this.lock = new FileLease((name, body) => this.#leaseLocked(name, body), options.now);
  }

  async findBy(field: LookupField, value: string): Promise<readonly TokenRecord[]> {
    return (await this.#current()).findBy(field, value);
  }

  async list(): Promise<readonly TokenRecord[]> {
    return (await this.#current()).list();
  }

  async insert(record: TokenRecord): Promise<void> {
    await this.#mutate('insert', (index) => {
      index.insert(record);
      return { changed: true, result: undefined };
    });
  }

  async replace(id: string, record: TokenRecord, expectedUserName: string | null): Promise<boolean> {
    // The owner check runs inside the read-modify-write, under the lock, on the records just read from
    // disk: no other process can adopt or rebind the record between the check and the write.
    return this.#mutate('replace', (index) => {
      const replaced = index.replace(id, record, expectedUserName);
      return { changed: replaced, result: replaced };
    });
  }

  async insertMany(records: readonly TokenRecord[]): Promise<void> {
    await this.#mutate('insertMany', (index) => insertAll(index, records));
  }

  async diagnose(): Promise<Omit<StoreDiagnostics, 'store'>> {
    return diagnoseFile(this.#path);
  }

  async delete(id: string): Promise<void> {
    await this.#mutate('delete', (index) => ({ changed: index.delete(id), result: undefined }));
  }

  async clear(): Promise<void> {
    await this.#mutate('clear', (index) => ({ changed: index.clear(), result: undefined }));
  }

  async close(): Promise<void> {
    this.#snapshot = null;
  }

  toStoreError(error: unknown, operation: string): Error {
    return toStoreError(error, operation, this.#path);
  }

  /** The records of the file as it is now (see the class comment for how "now" is checked). */
  async #current(): Promise<RecordIndex> {
    const cached = this.#snapshot;
    if (cached === null || !sameIdentity(currentIdentity(this.#path), cached.identity) || !trustedByStat(cached)) {
      this.#snapshot = await readSnapshot(this.#path, cached);
    }
    const snapshot = this.#snapshot as Snapshot;
    if (snapshot.error) throw snapshot.error;
    return snapshot.index;
  }

  async #mutate<T>(operation: string, change: (index: RecordIndex) => { changed: boolean; result: T }): Promise<T> {
    return this.#locked(operation, async ({ target, assertHeld }) => {
      // Always from disk under the lock: the cache may be one write behind another process. Not cached
      // as it is (a change caches the version it writes, below), so no digest.
      const fresh = await readSnapshot(target, null, { digest: false });
      if (fresh.error) throw fresh.error;
      const { changed, result } = change(fresh.index);
      if (changed) {
        const text = serialize(fresh.index.records());
        await writeFileAtomic(target, text, {
          beforeRename: async () => {
            await this.#options.beforeCommit?.();
            await assertHeld();
            // The version read must still be the file's: a successor that took the lock over (or a
            // hand edit) may have replaced it, and renaming over it would lose what they wrote.
            if (!sameIdentity(currentIdentity(target), fresh.identity)) {
              throw new TokenStoreError('STORE_UNAVAILABLE', `FileStore: ${target} changed while this write held the lock (another writer took it over); nothing was written`);
            }
          },
        });
        // We still hold the lock, so the file at the target is the one we just renamed into place.
        const info = statSync(target, { bigint: true });
        const mtimeMs = Number(info.mtimeNs / 1_000_000n);
        // verifiedAt 0: within the racy window the next read compares content digests instead of
        // trusting stat. The digest of the UTF-8 text is the digest of the bytes just written.
        this.#snapshot = { identity: identityOf(info), digest: digestOf(text), index: fresh.index, error: null, mtimeMs, verifiedAt: 0 };
      }
      return result;
    });
  }

  /**
   * Runs `body` holding the lock of one lease file (`<lease>.lock`), not the token file's: a lease is
   * about one key, and the token file's lock is held by every save.
   */
  async #leaseLocked<T>(name: string, body: (context: { file: string; assertHeld(): Promise<void> }) => Promise<T>): Promise<T> {
    try {
      const leaseDir = `${await resolveTarget(this.#path)}.leases`;
      const file = join(leaseDir, name);
      return await this.#holdingLock(file, async (held) => {
        // A broken stale lock means a lease writer crashed: it may have left a temp file behind.
        if (held.brokeStale) await sweepLeftovers(leaseDir, '.');
        return body({ file, assertHeld: held.assertHeld });
      });
    } catch (error) {
      throw toStoreError(error, 'lock', this.#path);
    }
  }

  /**
   * Runs `body` holding the lock of the path's target. The target is resolved on every call (a link
   * may be re-pointed), before the lock: two links to one file share one lock.
   */
  async #locked<T>(operation: string, body: (context: LockedContext) => Promise<T>): Promise<T> {
    try {
      const target = await resolveTarget(this.#path);
      // Before the lock: a target that is not a regular file gets no lock file or directory next to it.
      assertRegularFile(target, statSync(target, { throwIfNoEntry: false }));
      return await this.#holdingLock(target, async (held) => {
        // A broken stale lock means a writer crashed: it may have left a temp file behind.
        if (held.brokeStale || !this.#swept.has(target)) {
          this.#swept.add(target);
          await sweepLeftovers(dirname(target), tempPrefix(target));
          await sweepLeftovers(`${target}.leases`, '.');
        }
        return body({ target, assertHeld: held.assertHeld });
      });
    } catch (error) {
      throw toStoreError(error, operation, this.#path);
    }
  }

  /** Runs `body` holding this process's queue for `file` and then the lock file `<file>.lock` (its directory made first). */
  async #holdingLock<T>(file: string, body: (held: HeldLock) => Promise<T>): Promise<T> {
    return withProcessMutex(file, async () => {
      await ensureDir(file);
      const held = await new LockFile(`${file}.lock`, { timeoutMs: this.#options.lockTimeoutMs, staleMs: this.#options.staleLockMs }).acquire();
      try {
        return await body(held);
      } finally {
        await held.release();
      }
    });
  }
}

/**
 * Deletes temp files left by writers that died mid-write (`<prefix><pid>.<random>.tmp`): only those
 * whose pid is gone, or that are older than any write could take. Runs under the lock.
 */
async function sweepLeftovers(dir: string, prefix: string): Promise<void> {
  let names: string[];
  try {
    names = await readdir(dir);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw error;
  }
  let removed = false;
  for (const name of names) {
    if (!name.startsWith(prefix) || !name.endsWith(TEMP_SUFFIX)) continue;
    const pid = Number(name.slice(0, -TEMP_SUFFIX.length).split('.').at(-2));
    const age = await ageOf(join(dir, name));
    if (age === undefined) continue;
    if (!isProcessAlive(pid) || age > LEFTOVER_MAX_AGE_MS) {
      await unlinkIfPresent(join(dir, name));
      removed = true;
    }
  }
  if (removed) await fsyncDir(dir);
}
