import { randomUUID } from 'node:crypto';

/** A new record id: random (not guessable from other ids, unlike Zoho's max(id)+1) and unique. */
export function generateTokenId(): string {
  return randomUUID();
}
