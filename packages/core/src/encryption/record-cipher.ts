import { RECORD_FIELDS, type TokenRecord } from '../token-record.js';
import { encryptionError } from './encryption-errors.js';
import type { DerivedKey, KeyRing } from './key-ring.js';
import { sivOpen, sivSeal } from './siv.js';
import { formatStored, looksEncrypted, parseStored } from './stored-form.js';

/** The secrets the contract looks records up by: encrypted deterministically, so a probe's value encrypts to the stored one. */
export const LOOKUP_SECRET_FIELDS = ['grantToken', 'refreshToken', 'accessToken'] as const;
export type LookupSecretField = (typeof LOOKUP_SECRET_FIELDS)[number];

/**
 * The field that carries the record seal: the client secret (never looked up) encrypted with the
 * whole rest of the stored record as associated data. It is written even when the client secret is
 * absent, so every encrypted record has one.
 */
const SEAL_FIELD = 'clientSecret' as const;
const SEALED_FIELDS = RECORD_FIELDS.filter((field) => field !== SEAL_FIELD);

const ABSENT = Buffer.from([0]);
const PRESENT = Buffer.from([1]);

/** Associated data of a looked-up secret: format, key id, field. A value moved to another field fails. */
function fieldAad(keyId: string, field: string): Buffer {
  return Buffer.from(`tse1\u0000${keyId}\u0000${field}`, 'utf8');
}

/**
 * Associated data of the seal: every other stored field, as a JSON array (an injective encoding of
 * strings, numbers and nulls: no two records encode alike, null stays distinct from '').
 */
function sealAad(keyId: string, stored: TokenRecord): Buffer {
  return Buffer.from(JSON.stringify(['tse1', keyId, 'record-seal', ...SEALED_FIELDS.map((field) => stored[field])]), 'utf8');
}

/** A looked-up secret, encrypted (also for probes). Blank values stay as they are: '' and null are not secrets, and the contract treats them as absent. */
export function encryptSecret(key: DerivedKey, field: LookupSecretField, value: string | null): string | null {
  if (value === null || value === '') return value;
  return formatStored(key.id, sivSeal(key, fieldAad(key.id, field), Buffer.from(value, 'utf8')));
}

/** The stored form of a record under `key`: three secrets encrypted, the client secret sealing the whole record. */
export function encryptRecord(key: DerivedKey, record: TokenRecord): TokenRecord {
  const stored: TokenRecord = { ...record };
  for (const field of LOOKUP_SECRET_FIELDS) stored[field] = encryptSecret(key, field, record[field]);
  const secret = record.clientSecret === null ? ABSENT : Buffer.concat([PRESENT, Buffer.from(record.clientSecret, 'utf8')]);
  stored.clientSecret = formatStored(key.id, sivSeal(key, sealAad(key.id, stored), secret));
  return stored;
}

/** How a stored record is protected: the key id of its seal, or 'plaintext' (written before encryption was enabled). */
export function recordProtection(stored: TokenRecord): string {
  const seal = stored.clientSecret === null ? undefined : parseStored(stored.clientSecret);
  if (seal) return seal.keyId;
  return LOOKUP_SECRET_FIELDS.some((field) => looksEncrypted(stored[field])) ? 'unsealed' : 'plaintext';
}

function failed(stored: TokenRecord, what: string): Error {
  return encryptionError('DECRYPTION_FAILED', `token record ${stored.id ?? '(no id)'}: ${what}`);
}

/**
 * The plaintext record, after checking every encrypted value and the seal. Throws DECRYPTION_FAILED
 * (tampered, moved, swapped or wrong key), UNKNOWN_KEY, or PLAINTEXT_REJECTED; never returns a value
 * that did not authenticate.
 */
export function decryptRecord(ring: KeyRing, stored: TokenRecord, acceptPlaintext: boolean): TokenRecord {
  const seal = stored.clientSecret === null ? undefined : parseStored(stored.clientSecret);
  if (!seal) {
    if (looksEncrypted(stored.clientSecret) || LOOKUP_SECRET_FIELDS.some((field) => looksEncrypted(stored[field]))) {
      // Encrypted values without a valid seal: the seal was removed or damaged.
      throw failed(stored, 'the record seal is missing or malformed');
    }
    if (!acceptPlaintext && [SEAL_FIELD, ...LOOKUP_SECRET_FIELDS].some((field) => stored[field] !== null && stored[field] !== '')) {
      throw encryptionError('PLAINTEXT_REJECTED', `token record ${stored.id ?? '(no id)'} holds unencrypted secrets and this store rejects plaintext`);
    }
    return stored;
  }
  const key = ring.get(seal.keyId);
  if (!key) throw encryptionError('UNKNOWN_KEY', `token record ${stored.id ?? '(no id)'} is encrypted with key "${seal.keyId}", which is not in the key ring`);
  const record: TokenRecord = { ...stored };
  for (const field of LOOKUP_SECRET_FIELDS) record[field] = openSecret(key, stored, field);
  const secret = sivOpen(key, sealAad(key.id, stored), seal.sealed);
  if (!secret || secret.length === 0 || (secret[0] !== 0 && secret[0] !== 1) || (secret[0] === 0 && secret.length !== 1)) {
    throw failed(stored, 'the record seal does not authenticate (a field was changed, or the key is wrong)');
  }
  record.clientSecret = secret[0] === 0 ? null : secret.subarray(1).toString('utf8');
  return record;
}

function openSecret(key: DerivedKey, stored: TokenRecord, field: LookupSecretField): string | null {
  const value = stored[field];
  if (value === null || value === '') return value;
  const parsed = parseStored(value);
  if (!parsed || parsed.keyId !== key.id) throw failed(stored, `field ${field} is not encrypted under the record's key`);
  const plaintext = sivOpen(key, fieldAad(key.id, field), parsed.sealed);
  if (!plaintext) throw failed(stored, `field ${field} does not authenticate (tampered, moved from another field, or the key is wrong)`);
  return plaintext.toString('utf8');
}
