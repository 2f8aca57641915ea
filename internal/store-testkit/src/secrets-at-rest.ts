import { expect } from 'vitest';

/** The ways a secret could sit in storage readably: as is, base64 (padded or not), base64url, hex. */
export function secretEncodings(secret: string): string[] {
  const bytes = Buffer.from(secret, 'utf8');
  const base64 = bytes.toString('base64');
  return [...new Set([secret, base64, base64.replace(/=+$/, ''), bytes.toString('base64url'), bytes.toString('hex'), bytes.toString('hex').toUpperCase()])];
}

/**
 * Fails when any of `secrets` appears in `stored` (raw rows, documents, file bytes) in any encoding
 * of secretEncodings. Bytes are searched both as UTF-8 text and as bytes, so binary files work too.
 */
export function expectNoSecretAtRest(stored: string | Buffer, secrets: Iterable<string>): void {
  const bytes = typeof stored === 'string' ? Buffer.from(stored, 'utf8') : stored;
  for (const secret of secrets) {
    for (const form of secretEncodings(secret)) {
      expect(bytes.includes(Buffer.from(form, 'utf8')), `a secret is stored readably (${form.length} chars)`).toBe(false);
    }
  }
}
