/**
 * Whether a token can travel in an HTTP header as is. Visible ASCII only (0x21-0x7E): RFC 6750's
 * b64token is a subset, and anything else (CR/LF, NUL, other controls, spaces, non-ASCII) either breaks
 * the header (fetch throws a TypeError that quotes the value, i.e. the secret) or is not a token.
 */
const HEADER_SAFE_TOKEN = /^[\x21-\x7E]+$/;

export function isHeaderSafeToken(value: string): boolean {
  return HEADER_SAFE_TOKEN.test(value);
}
