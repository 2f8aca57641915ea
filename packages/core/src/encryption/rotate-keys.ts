import { randomUUID } from 'node:crypto';
import { isTokenStoreError } from '../errors.js';
import { OAuthToken } from '../oauth-token.js';
import type { TokenRecord } from '../token-record.js';
import type { RefreshLock } from '../token-store.js';
import type { EncryptedStore } from './encrypted-store.js';
import { encryptionError } from './encryption-errors.js';
import type { KeyRing } from './key-ring.js';
import { decryptRecord, encryptRecord, recordProtection } from './record-cipher.js';

export interface RotationProgress {
  /** Records looked at so far (re-encrypted, already current, gone, or failed). */
  readonly done: number;
  readonly total: number;
  /** Records this run re-encrypted to the current key. */
  readonly reencrypted: number;
}

export interface RotationFailure {
  readonly id: string | null;
  /** The TokenStoreError code (DECRYPTION_FAILED, UNKNOWN_KEY, a store error...). */
  readonly code: string;
}

export interface RotationResult extends RotationProgress {
  /** Records that could not be re-encrypted; the rotation went on with the others. Run again once fixed. */
  readonly failed: readonly RotationFailure[];
}

export interface RotateKeysOptions {
  /** Called after each record; awaited, so a caller can log, persist or throttle the rotation. */
  onProgress?(progress: RotationProgress): void | Promise<void>;
  /** Ttl of the per-record lease (default 30 000 ms): it only covers one re-read and one save. */
  lockTtlMs?: number;
  /** How long to wait for a record's lease held by a refreshing process (default 60 000 ms). */
  lockWaitMs?: number;
  /** Poll interval while waiting for a lease (default 50 ms). */
  pollMs?: number;
}

/**
 * The refresh engine's lease key for a stored token (lease-wait.ts: `tokenstore:refresh:` +
 * tokenKey, which is `id:<id>` once a token has an id). Taking the same lease means a rotation and a
 * refresh of one record never interleave, so a rotated refresh token is never overwritten.
 */
function refreshLeaseKey(id: string): string {
  return `tokenstore:refresh:id:${id}`;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Re-encrypts every record that is not under the ring's current key (older keys and plaintext ones),
 * while applications keep running: each record is re-read and re-saved under its refresh lease (when
 * the store has a lock). Idempotent, so a rotation that crashed or was stopped just runs again and
 * picks up where it was. Deploy the new ring (new key first, old keys kept) to every app before
 * rotating; remove an old key only once keyStatus shows it protects nothing.
 */
export async function rotateKeys(store: EncryptedStore, options: RotateKeysOptions = {}): Promise<RotationResult> {
  const ring = await store.keyRing();
  const records = (await store.inner.getTokens()).map((token) => token.toRecord());
  const total = records.length;
  let done = 0;
  let reencrypted = 0;
  const failed: RotationFailure[] = [];
  for (const record of records) {
    if (recordProtection(record) !== ring.current.id && record.id !== null) {
      try {
        if (await withLease(store.inner.lock, record.id, options, () => reencrypt(store, ring, record.id as string))) reencrypted += 1;
      } catch (error) {
        failed.push({ id: record.id, code: isTokenStoreError(error) ? error.code : 'STORE_FAILURE' });
      }
    }
    done += 1;
    await options.onProgress?.({ done, total, reencrypted });
  }
  return { done, total, reencrypted, failed };
}

/** Re-reads the record (it may have changed since the listing) and saves it under the current key. False when nothing was left to do. */
async function reencrypt(store: EncryptedStore, ring: KeyRing, id: string): Promise<boolean> {
  const fresh = await store.inner.findTokenById(id);
  if (!fresh) return false;
  const stored: TokenRecord = fresh.toRecord();
  if (recordProtection(stored) === ring.current.id) return false;
  // Plaintext records are migrated whatever acceptPlaintext says: that is what rotation is for.
  const plain = decryptRecord(ring, stored, true);
  const written = encryptRecord(ring.current, plain);
  const saved = (await store.inner.saveToken(OAuthToken.fromRecord(written))).toRecord();
  if (saved.id !== written.id || saved.userName !== written.userName) {
    throw encryptionError('DECRYPTION_FAILED', `token record ${id}: the store saved the re-encrypted record under another identity`);
  }
  return true;
}

async function withLease<T>(lock: RefreshLock | undefined, id: string, options: RotateKeysOptions, body: () => Promise<T>): Promise<T> {
  if (!lock) return body();
  const key = refreshLeaseKey(id);
  const owner = `rotate-keys:${randomUUID()}`;
  const ttl = options.lockTtlMs ?? 30_000;
  const deadline = Date.now() + (options.lockWaitMs ?? 60_000);
  while (!(await lock.acquire(key, owner, ttl))) {
    if (Date.now() >= deadline) throw encryptionError('ROTATION_LOCK_TIMEOUT', `token record ${id}: its refresh lease stayed taken; run the rotation again`);
    await sleep(options.pollMs ?? 50);
  }
  try {
    return await body();
  } finally {
    await lock.release(key, owner).catch(() => undefined);
  }
}
