/**
 * The test's own list of the ways a secret can be written down (independent of core's scrubber, so a
 * gap in the scrubber cannot hide itself): raw, percent and form encodings, JSON escaping, base64 and
 * base64url, and Basic-auth credentials of a client id and secret.
 */
import { escape as querystringEscape } from 'node:querystring';

const formEncode = (value: string): string => new URLSearchParams([['x', value]]).toString().slice(2);
const lowerHex = (encoded: string): string => encoded.replace(/%[0-9A-F]{2}/g, (m) => m.toLowerCase());
/** JSON with every non-ASCII UTF-16 unit as \uXXXX (Python's json.dumps, ensure_ascii). */
const asciiJson = (value: string, upper: boolean): string =>
  JSON.stringify(value)
    .slice(1, -1)
    .replace(/[\u0080-\uffff]/g, (c) => {
      const hex = c.charCodeAt(0).toString(16).padStart(4, '0');
      return `\\u${upper ? hex.toUpperCase() : hex}`;
    });
const base64Forms = (value: string): string[] => {
  const bytes = Buffer.from(value, 'utf8');
  const padded = bytes.toString('base64');
  return [padded, padded.replace(/=+$/, ''), bytes.toString('base64url')];
};

/** Every written form of `secret` that must never be shown. */
export function secretVariants(secret: string): string[] {
  const variants = [
    secret,
    encodeURIComponent(secret),
    lowerHex(encodeURIComponent(secret)),
    formEncode(secret),
    lowerHex(formEncode(secret)),
    querystringEscape(secret),
    JSON.stringify(secret).slice(1, -1),
    JSON.stringify(secret).replaceAll('/', '\\/').slice(1, -1),
    asciiJson(secret, false),
    asciiJson(secret, true),
    ...base64Forms(secret),
    ...base64Forms(formEncode(secret)),
  ];
  return [...new Set(variants)];
}

/** `Authorization: Basic` credentials: RFC 7617 (raw halves) and RFC 6749 2.3.1 (form-encoded halves). */
export function basicCredentials(clientId: string, clientSecret: string): string[] {
  return [
    Buffer.from(`${clientId}:${clientSecret}`, 'utf8').toString('base64'),
    Buffer.from(`${formEncode(clientId)}:${formEncode(clientSecret)}`, 'utf8').toString('base64'),
  ];
}

export { formEncode, lowerHex, asciiJson };
