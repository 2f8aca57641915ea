import { createHash } from 'node:crypto';

/**
 * The lookup key of a value: SHA-256 of its UTF-8 bytes, as 64 lowercase hex characters.
 *
 * Documents are found and kept unique through these digests rather than through the values: tokens
 * can be many kilobytes (JWT access tokens often are), and servers that speak the MongoDB protocol
 * limit index keys (FerretDB on PostgreSQL rejects index rows over 8 KiB, Amazon DocumentDB keys over
 * 2 KiB). A digest has a fixed size whatever the value. Hex rather than base64 so a collection with a
 * case-insensitive default collation still cannot make two digests equal.
 */
export function lookupDigest(value: string): string {
  return createHash('sha256').update(value, 'utf8').digest('hex');
}
