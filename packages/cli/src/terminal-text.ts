/**
 * Characters a stored value may hold (a store keeps any well-formed string exactly) that a terminal
 * does not just show: C0 and C1 controls and DEL (a newline forges a row of `list`, an escape sequence
 * recolours or clears the screen), the Unicode line separators, and the bidirectional overrides and
 * isolates (which reorder what is shown around them).
 */
const UNPRINTABLE = /[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;

/**
 * A record's value as human-readable output prints it: each such character as a `\u001b`-style escape.
 * Not for `--json`, where JSON's own escaping keeps the value exact.
 */
export function terminalText(value: string): string {
  return value.replace(UNPRINTABLE, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}
