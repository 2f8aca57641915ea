import { createCipheriv, createDecipheriv, createHmac } from 'node:crypto';
import type { DerivedKey } from './key-ring.js';

const IV_BYTES = 12;
const TAG_BYTES = 16;

/**
 * Deterministic authenticated encryption in the SIV paradigm, from Node's primitives only:
 * IV = HMAC-SHA256(macKey, len(aad) ‖ aad ‖ plaintext) truncated to 96 bits, then AES-256-GCM with that
 * IV and `aad`. Equal (aad, plaintext) give equal output, which is what makes equality lookups
 * possible; different plaintexts get different IVs except with probability ~n²/2⁹⁷ for n values.
 * Output: iv ‖ ciphertext ‖ tag.
 */
export function sivSeal(key: DerivedKey, aad: Buffer, plaintext: Buffer): Buffer {
  const iv = syntheticIv(key, aad, plaintext);
  const cipher = createCipheriv('aes-256-gcm', key.encryptionKey, iv, { authTagLength: TAG_BYTES });
  cipher.setAAD(aad);
  const body = cipher.update(plaintext);
  const last = cipher.final();
  return Buffer.concat([iv, body, last, cipher.getAuthTag()]);
}

/** The plaintext, or undefined when `sealed` does not authenticate under this key and aad. */
export function sivOpen(key: DerivedKey, aad: Buffer, sealed: Buffer): Buffer | undefined {
  if (sealed.length < IV_BYTES + TAG_BYTES) return undefined;
  const iv = sealed.subarray(0, IV_BYTES);
  const tag = sealed.subarray(sealed.length - TAG_BYTES);
  const decipher = createDecipheriv('aes-256-gcm', key.encryptionKey, iv, { authTagLength: TAG_BYTES });
  decipher.setAAD(aad);
  decipher.setAuthTag(tag);
  try {
    return Buffer.concat([decipher.update(sealed.subarray(IV_BYTES, sealed.length - TAG_BYTES)), decipher.final()]);
  } catch {
    return undefined;
  }
  // No re-computation of the synthetic IV here: GCM's tag (under the encryption key) already
  // authenticates iv, ciphertext and aad, so nobody without the key can make any other value open.
  // RFC 5297's SIV needs that check because its IV is its only MAC; here it would only cost an HMAC
  // per field on every read.
}

function syntheticIv(key: DerivedKey, aad: Buffer, plaintext: Buffer): Buffer {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(aad.length);
  return createHmac('sha256', key.macKey).update(length).update(aad).update(plaintext).digest().subarray(0, IV_BYTES);
}
