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
    for (const match of arg.matchAll(/[a-z][a-z0-9+.-]*:\/\/[^/?#@:\s]*:([^/?#@\s]+)@/gi)) {
      const password = match[1] as string;
      secrets.add(password);
      try {
        secrets.add(decodeURIComponent(password));
      } catch {
        // Not valid percent-encoding: the raw form is covered.
      }
    }
  }
  const bare = [...secrets].filter((s) => s.length >= MIN_BARE_PASSWORD).sort((a, b) => b.length - a.length);
  return (text) => {
    const out = text.replace(/([a-z][a-z0-9+.-]*:\/\/[^/?#@:\s]*):[^/?#@\s]*@/gi, '$1:***@');
    return bare.reduce((acc, secret) => acc.split(secret).join('***'), out);
  };
}
