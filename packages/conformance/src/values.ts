import { Buffer } from 'node:buffer';
import { LOOKUP_FIELDS, RECORD_STRING_FIELDS, type OAuthTokenInit } from '@tokenstore/core/store-kit';

/** The string fields of an OAuthToken (user name included as `userSignature.name`): a record's. */
export const STRING_FIELDS = RECORD_STRING_FIELDS;

export type StringField = (typeof STRING_FIELDS)[number];

/** The fields a record is looked up by, in precedence order. */
export const IDENTIFIER_FIELDS = LOOKUP_FIELDS;

export type IdentifierField = (typeof IDENTIFIER_FIELDS)[number];

/** A token init from a flat map of fields (`userName` becomes `userSignature`). */
export function init(fields: Partial<Record<StringField, string>> & { expiresAt?: number }): OAuthTokenInit {
  const { userName, ...rest } = fields;
  return userName === undefined ? rest : { ...rest, userSignature: { name: userName } };
}

/** A token with `value` in every string field, byte for byte. */
export function everyField(value: string, expiresAt?: number): OAuthTokenInit {
  const fields: Partial<Record<StringField, string>> = {};
  for (const field of STRING_FIELDS) fields[field] = value;
  return init(expiresAt === undefined ? fields : { ...fields, expiresAt });
}

/** A probe that carries `value` in one identifier (with `clientId` where the rule needs it). */
export function probeFor(field: IdentifierField, value: string, clientId: string): OAuthTokenInit {
  switch (field) {
    case 'id':
      return { id: value };
    case 'userName':
      return { userSignature: { name: value } };
    case 'grantToken':
      return { clientId, grantToken: value };
    case 'refreshToken':
      return { clientId, refreshToken: value };
    case 'accessToken':
      return { accessToken: value };
  }
}

export const QUOTES_AND_BACKSLASHES = [
  `it's`,
  `"double" and 'single' quotes`,
  '`backtick`',
  'back\\slash',
  '\\\\server\\share\\',
  `\\' \\" \\\\ \\n (escaped-looking)`,
  `O'Brien \\'; --`,
];

export const SQL_FRAGMENTS = [
  `'; DROP TABLE oauthtoken; --`,
  `" OR "1"="1`,
  `') OR ('1'='1`,
  `1; DELETE FROM oauthtoken WHERE 1=1`,
  `/* comment */ SELECT *`,
  `-- trailing comment`,
  `?`,
  `$1`,
  `:name`,
  `@p0`,
];

export const WILDCARDS = ['%', '_', '100%', 'a_b', '%_%', '\\%', '[a-z]*?', '.*', '^$|'];

export const JSON_FRAGMENTS = [
  `{"$gt":""}`,
  `$ne`,
  `{"$ne":null}`,
  `$where`,
  `{"$where":"sleep(100)"}`,
  `{"a":[1,2,{"b":null}]}`,
  `null`,
  `undefined`,
  `true`,
  `0`,
  `NaN`,
  `[]`,
  `__proto__`,
  `constructor`,
];

export const UNICODE = [
  'caf\u00e9', // precomposed é
  'cafe\u0301', // e + combining acute: must stay decomposed
  'Z\u0351\u0354a\u0308\u0336l\u0334g\u0315o', // stacked combining marks
  '\u05e9\u05dc\u05d5\u05dd \u0645\u0631\u062d\u0628\u0627', // Hebrew and Arabic (RTL)
  '\u202eevil\u202c and \u200fRTL mark', // RTL override and mark
  '\u{1F511}\u{1F469}\u{1F3FD}\u200d\u{1F4BB}\u{1F1FA}\u{1F1F8}', // emoji: key, ZWJ sequence with skin tone, flag
  '\u{1D54F}\u{10348}\u{20BB7}', // astral plane letters
  '\u65e5\u672c\u8a9e \ud55c\uad6d\uc5b4 \u4e2d\u6587',
  '\ufeffBOM first',
  'zero\u200bwidth\u2060joiner',
  'line\u2028separator\u2029',
  'stra\u00dfe', // ß: not "ss"
  '\u0130stanbul \u0131', // Turkish dotted/dotless i
];

export const WHITESPACE = [
  ' leading',
  'trailing ',
  '  both  ',
  '\nnewline first',
  'newline last\n',
  'crlf\r\nin the middle\r\n',
  '\ttabs\t',
  ' ',
  '\n',
  'nbsp\u00a0at end\u00a0',
];

/** Millisecond-exact expiries, including ones a careless store rounds, truncates or mistakes for absent. */
export const EXPIRES_AT_VALUES = [1767225600123, 1767225600999, 1700000000001, 0, 1, 999, 8640000000000000, Number.MAX_SAFE_INTEGER];

const ASCII_PATTERN = 'abcdefghijklmnopqrstuvwxyz0123456789';

/** A string of exactly `bytes` UTF-8 bytes starting with `prefix`, filled with a non-repeating-looking pattern. */
export function asciiOfBytes(prefix: string, bytes: number): string {
  const parts = [prefix];
  let size = Buffer.byteLength(prefix);
  for (let i = 0; size < bytes; i++, size++) parts.push(ASCII_PATTERN[i % ASCII_PATTERN.length] as string);
  return parts.join('');
}

/** A string of exactly `bytes` UTF-8 bytes starting with `prefix`, mostly 2-, 3- and 4-byte characters. */
export function multibyteOfBytes(prefix: string, bytes: number): string {
  const chars = ['\u00e9', '\u20ac', '\u{1F600}', '\u65e5'];
  const parts = [prefix];
  let size = Buffer.byteLength(prefix);
  for (let i = 0; ; i++) {
    const next = chars[i % chars.length] as string;
    const n = Buffer.byteLength(next);
    if (size + n > bytes) break;
    parts.push(next);
    size += n;
  }
  for (; size < bytes; size++) parts.push('x');
  return parts.join('');
}

/**
 * Strings no store may accept: lone surrogates (high, low, a reversed pair, a high one at the end) have
 * no UTF-8 form, so a driver silently stores U+FFFD instead and the value then matches another one;
 * NUL cannot be stored by PostgreSQL text. Core's rule rejects them all with INVALID_ARGUMENT.
 */
export const UNSTORABLE_STRINGS = ['x\uD800y', 'x\uDC00y', '\uDC00\uD800', 'ends\uD83D', 'nul\u0000inside'];

/** What a lossy UTF-8 encoding makes of a value (lone surrogates become U+FFFD). */
export function utf8Twin(value: string): string {
  return Buffer.from(value, 'utf8').toString('utf8');
}
