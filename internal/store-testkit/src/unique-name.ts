import { randomBytes } from 'node:crypto';

/** `<prefix>_<12 hex digits>`: a table or collection name no other test uses. */
export function uniqueName(prefix: string): string {
  return `${prefix}_${randomBytes(6).toString('hex')}`;
}
