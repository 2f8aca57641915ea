import { urlSecrets } from './store-url.js';

/** Shorter passwords would redact ordinary words of the output (and are no credible secret anyway). */
const MIN_BARE_PASSWORD = 8;

/**
 * Database URLs on the command line carry passwords (`postgres://u:secret@host`). Whatever a driver
 * or store puts in a message, the CLI writes no URL credentials: every `scheme://user:password@` in the
 * output loses its password, and each password from the command line, as given and percent-decoded,
 * is also replaced wherever it appears on its own (when it is long enough to be told from a word).
 */
export function passwordScrubber(argv: readonly string[]): (text: string) => string {
  const secrets = new Set<string>();
  for (const arg of argv) {
    // Each URL in the argument (`--from=postgres://...` too), its secrets as displayUrl finds them.
    for (const match of arg.matchAll(/[a-z][a-z0-9+.-]*:\/\//gi)) {
      for (const secret of urlSecrets(arg.slice(match.index))) {
        secrets.add(secret);
        try {
          secrets.add(decodeURIComponent(secret));
        } catch {
          // Not valid percent-encoding: the raw form is covered.
        }
      }
    }
  }
  const longestFirst = [...secrets].sort((a, b) => b.length - a.length);
  const bare = longestFirst.filter((s) => s.length >= MIN_BARE_PASSWORD);
  return (text) => {
    // Known passwords first, whole: the generic rule below stops at a `/ ? # @` inside a password and
    // would leave the rest of it. In a URL (`:password@`) at any length, on their own when long enough.
    const inUrls = longestFirst.reduce((acc, secret) => acc.split(`:${secret}@`).join(':***@'), text);
    const out = bare.reduce((acc, secret) => acc.split(secret).join('***'), inUrls);
    return out.replace(/([a-z][a-z0-9+.-]*:\/\/[^/?#@:\s]*):[^/?#@\s]*@/gi, '$1:***@');
  };
}
