import type { TokenRecord } from '../token-record.js';
import type { EncryptedStore } from './encrypted-store.js';
import { recordProtection } from './record-cipher.js';

/** What protects the records of a store, counted without decrypting anything. */
export interface KeyStatus {
  /** Records in the store. */
  readonly total: number;
  /** The ring's current key id. */
  readonly currentKeyId: string;
  /** Records per key id (ids in the ring and ids found in records). */
  readonly byKey: Readonly<Record<string, number>>;
  /** Records written before encryption was enabled: readable, encrypted on their next save or by rotateKeys. */
  readonly plaintext: number;
  /** Records whose secrets are encrypted but whose seal is missing (damaged or tampered). */
  readonly unsealed: number;
  /** Key ids records use that the ring does not have: those records cannot be read. */
  readonly unknownKeyIds: readonly string[];
  /** Ring keys (other than the current one) that protect no record: safe to remove from the ring now. */
  readonly removableKeyIds: readonly string[];
  /** Records not under the current key (plaintext, older keys, unknown keys, unsealed): what rotateKeys has left to do. */
  readonly notCurrent: number;
}

/** The protection of every record, from its stored form. */
export function statusOf(records: readonly TokenRecord[], ringIds: readonly string[]): KeyStatus {
  const byKey: Record<string, number> = Object.fromEntries(ringIds.map((id) => [id, 0]));
  let plaintext = 0;
  let unsealed = 0;
  for (const record of records) {
    const protection = recordProtection(record);
    if (protection === 'plaintext') plaintext += 1;
    else if (protection === 'unsealed') unsealed += 1;
    else byKey[protection] = (byKey[protection] ?? 0) + 1;
  }
  const [currentKeyId] = ringIds as [string];
  return {
    total: records.length,
    currentKeyId,
    byKey,
    plaintext,
    unsealed,
    unknownKeyIds: Object.keys(byKey).filter((id) => !ringIds.includes(id)),
    removableKeyIds: ringIds.slice(1).filter((id) => byKey[id] === 0),
    notCurrent: records.length - (byKey[currentKeyId] ?? 0),
  };
}

/**
 * Counts records per key id, so a key that still protects records is seen before it is removed from
 * the ring (a removed key makes its records unreadable: UNKNOWN_KEY). One getTokens() of the inner store.
 */
export async function keyStatus(store: EncryptedStore): Promise<KeyStatus> {
  const ring = await store.keyRing();
  const records = (await store.inner.getTokens()).map((token) => token.toRecord());
  return statusOf(records, ring.ids);
}
