/**
 * How an encrypted value is stored: `tse1:<keyId>:<base64url(iv ‖ ciphertext ‖ tag)>`. A plain string,
 * so every store, column type and index keeps working; the key id says which key of the ring opens it.
 */
export const FORMAT_PREFIX = 'tse1:';

const STORED = /^tse1:([A-Za-z0-9._-]{1,64}):([A-Za-z0-9_-]+)$/;

export interface StoredValue {
  readonly keyId: string;
  readonly sealed: Buffer;
}

export function formatStored(keyId: string, sealed: Buffer): string {
  return `${FORMAT_PREFIX}${keyId}:${sealed.toString('base64url')}`;
}

/** True when `value` claims to be encrypted (starts with the prefix), whether or not it is well formed. */
export function looksEncrypted(value: string | null): value is string {
  return value !== null && value.startsWith(FORMAT_PREFIX);
}

/** The parts of a stored value, or undefined when it is not in the format. */
export function parseStored(value: string): StoredValue | undefined {
  const match = STORED.exec(value);
  if (!match) return undefined;
  return { keyId: match[1] as string, sealed: Buffer.from(match[2] as string, 'base64url') };
}
