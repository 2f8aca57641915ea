/**
 * The written forms of a secret, computed once per secret value (cached): what to look for so that a
 * secret is found in text whatever encoding it went through on its way there. The engine sends secrets
 * form-encoded (URLSearchParams); servers and proxies echo them back raw, form-decoded and re-encoded by
 * another library (%20 or + for space, upper- or lowercase hex, !'()*~ escaped or not), as Basic-auth
 * base64 of `clientId:clientSecret`, as base64/base64url, or inside JSON (\" \\ \/ and \uXXXX escapes).
 *
 * Two matchers cover that class instead of a list of encoders:
 * - `written()`: one regular expression in which every character of the secret may appear literally,
 *   percent-encoded (its UTF-8 bytes, any hex case), JSON-escaped (short escapes or \uXXXX of its
 *   UTF-16 units, any hex case) or, for a space, as `+`; so every mix of those encodings matches.
 *   ASCII letters and digits match only literally: no URL or JSON encoder escapes them, and that keeps
 *   the expression small and gives every form a literal `anchor` to look for before running it.
 * - `base64Cores`: base64 is not character-wise, so for each of the three byte alignments a secret can
 *   have inside a longer encoded string (`clientId:` before it shifts it), the part of the encoding that
 *   depends on the secret alone. The scrubber redacts the whole base64 run around a core, so the bits
 *   shared with neighbouring bytes go too. Cores are taken of the raw UTF-8 bytes and of both
 *   form-encoded spellings (RFC 6749 section 2.3.1 form-encodes id and secret before Basic-encoding).
 */

/** Shorter values would redact unrelated text and are not credible secrets anyway. */
export const MIN_SECRET_LENGTH = 4;
/** Cores shorter than this (secrets under ~8 bytes) could match unrelated base64 runs: not used. */
export const MIN_BASE64_CORE = 8;
/** An anchor shorter than this selects too much text to be worth checking first. */
export const MIN_ANCHOR = 4;
/** Bounded: the engine forgets secrets too (rotated tokens), and each entry may hold a compiled RegExp. */
const CACHE_LIMIT = 2048;

export interface SecretForms {
  readonly secret: string;
  /** The longest run of ASCII letters and digits in the secret (every written form holds it literally), if >= MIN_ANCHOR. */
  readonly anchor: string | undefined;
  /** Standard and URL-safe alphabet cores, deduplicated, each >= MIN_BASE64_CORE characters. */
  readonly base64Cores: readonly string[];
  /** The written-forms expression (global flag), compiled on first use. */
  written(): RegExp;
}

const cache = new Map<string, SecretForms>();

/** The forms of `secret` (cached; the least recently used entries are dropped past the limit). */
export function secretForms(secret: string): SecretForms {
  const hit = cache.get(secret);
  if (hit) {
    cache.delete(secret);
    cache.set(secret, hit);
    return hit;
  }
  let written: RegExp | undefined;
  const forms: SecretForms = {
    secret,
    anchor: longestAlphanumericRun(secret),
    base64Cores: base64Cores(secret),
    written: () => (written ??= writtenPattern(secret)),
  };
  cache.set(secret, forms);
  if (cache.size > CACHE_LIMIT) cache.delete(cache.keys().next().value as string);
  return forms;
}

function longestAlphanumericRun(secret: string): string | undefined {
  let best = '';
  for (const run of secret.match(/[A-Za-z0-9]+/g) ?? []) if (run.length > best.length) best = run;
  return best.length >= MIN_ANCHOR ? best : undefined;
}

const JSON_SHORT_ESCAPES: Readonly<Record<string, string>> = { '"': '\\"', '\\': '\\\\', '/': '\\/', '\b': '\\b', '\f': '\\f', '\n': '\\n', '\r': '\\r', '\t': '\\t' };

function writtenPattern(secret: string): RegExp {
  let source = '';
  for (const char of secret) {
    if (/[A-Za-z0-9]/.test(char)) {
      source += char;
      continue;
    }
    const alternatives = new Set<string>([escapeRegExp(char)]);
    alternatives.add([...Buffer.from(char, 'utf8')].map((byte) => `%${hexPattern(byte, 2)}`).join(''));
    let units = '';
    for (let i = 0; i < char.length; i++) units += `\\\\u${hexPattern(char.charCodeAt(i), 4)}`;
    alternatives.add(units);
    const short = JSON_SHORT_ESCAPES[char];
    if (short !== undefined) alternatives.add(escapeRegExp(short));
    if (char === ' ') alternatives.add('\\+');
    source += `(?:${[...alternatives].join('|')})`;
  }
  return new RegExp(source, 'g');
}

/** `value` as hex digits, each letter matching either case. */
function hexPattern(value: number, digits: number): string {
  return [...value.toString(16).padStart(digits, '0')].map((d) => (d >= 'a' ? `[${d}${d.toUpperCase()}]` : d)).join('');
}

function escapeRegExp(text: string): string {
  return text.replace(/[\\^$.*+?()[\]{}|/-]/g, '\\$&');
}

function base64Cores(secret: string): string[] {
  const form = new URLSearchParams([['x', secret]]).toString().slice(2);
  const spellings = new Set([secret, form, percentEncoded(form)]);
  const cores = new Set<string>();
  for (const spelling of spellings) {
    const bytes = Buffer.from(spelling, 'utf8');
    for (let skip = 0; skip < 3; skip++) {
      const whole = Math.floor((bytes.length - skip) / 3) * 3;
      if (whole <= 0) continue;
      const core = bytes.subarray(skip, skip + whole).toString('base64');
      if (core.length < MIN_BASE64_CORE) continue;
      cores.add(core);
      cores.add(core.replace(/\+/g, '-').replace(/\//g, '_'));
    }
  }
  return [...cores];
}

/**
 * encodeURIComponent's spelling, derived from the form spelling: they differ only in space (%20, not +)
 * and !'()~ (left as they are), and encodeURIComponent itself throws on a lone surrogate, which a
 * secret from a JSON answer may hold (URLSearchParams sends it as U+FFFD).
 */
function percentEncoded(form: string): string {
  return form.replace(/\+/g, '%20').replace(/%(21|27|28|29|7E)/g, (_m, hex: string) => String.fromCharCode(parseInt(hex, 16)));
}
