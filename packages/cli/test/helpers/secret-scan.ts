import { expect } from 'vitest';

/**
 * Every way a secret could leak into printed text: as is, base64 (padded or not), base64url, hex (both
 * cases), percent-encoded (form and URI spellings), JSON-escaped.
 */
/** As store-testkit's secretEncodings (kept here so this helper loads without the store packages). */
function secretEncodings(secret: string): string[] {
  const bytes = Buffer.from(secret, 'utf8');
  const base64 = bytes.toString('base64');
  return [secret, base64, base64.replace(/=+$/, ''), bytes.toString('base64url'), bytes.toString('hex'), bytes.toString('hex').toUpperCase()];
}

export function printedForms(secret: string): string[] {
  const form = new URLSearchParams([['x', secret]]).toString().slice(2);
  const json = JSON.stringify(secret).slice(1, -1);
  const unicodeEscaped = [...secret].map((c) => (/[A-Za-z0-9]/.test(c) ? c : `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`)).join('');
  return [...new Set([...secretEncodings(secret), form, encodeURIComponent(secret), json, unicodeEscaped])];
}

export function expectNoSecretPrinted(text: string, secrets: Iterable<string>): void {
  for (const secret of secrets) {
    for (const form of printedForms(secret)) expect(text.includes(form), `a secret (${secret.length} chars) is printed in some encoding`).toBe(false);
  }
}
