/**
 * Replaces every known secret inside a text by "[redacted]", in whatever encoding it appears (see
 * secret-forms.ts). Applied to server-provided error text, error messages, causes, stacks and log lines:
 * per error or log line, never on the hot path.
 */
import { REDACTED } from './redact.js';
import { MIN_ANCHOR, MIN_BASE64_CORE, MIN_SECRET_LENGTH, secretForms, type SecretForms } from './secret-forms.js';

/** Characters of either base64 alphabet, without the padding. */
const BASE64_CHAR = /[A-Za-z0-9+/_-]/;

/** Scrubs `text` of a few secrets (the ones one request sent). */
export function scrubSecrets(text: string, secrets: Iterable<string | undefined | null>): string {
  const forms: SecretForms[] = [];
  for (const secret of new Set(secrets)) if (typeof secret === 'string' && secret.length >= MIN_SECRET_LENGTH) forms.push(secretForms(secret));
  return redactAll(text, forms);
}

/**
 * Many secrets (a logger's, kept for the process's life): indexed by a short key of each anchor and
 * base64 core, so scrubbing a line costs one map lookup per character of it, not a search per secret.
 */
export class SecretIndex {
  readonly #byAnchorKey = new Map<string, Set<SecretForms>>();
  readonly #byCoreKey = new Map<string, Set<SecretForms>>();
  /** Secrets without an anchor (no run of 4 letters or digits): checked on every line. */
  readonly #unanchored = new Set<SecretForms>();

  add(secret: string): void {
    if (secret.length < MIN_SECRET_LENGTH) return;
    const forms = secretForms(secret);
    if (forms.anchor) addTo(this.#byAnchorKey, forms.anchor.slice(0, MIN_ANCHOR), forms);
    else this.#unanchored.add(forms);
    for (const core of forms.base64Cores) addTo(this.#byCoreKey, core.slice(0, MIN_BASE64_CORE), forms);
  }

  delete(secret: string): void {
    const forms = secretForms(secret);
    if (forms.anchor) removeFrom(this.#byAnchorKey, forms.anchor.slice(0, MIN_ANCHOR), forms);
    this.#unanchored.delete(forms);
    for (const core of forms.base64Cores) removeFrom(this.#byCoreKey, core.slice(0, MIN_BASE64_CORE), forms);
  }

  scrub(text: string): string {
    const candidates = new Set(this.#unanchored);
    collect(text, MIN_ANCHOR, this.#byAnchorKey, candidates);
    collect(text, MIN_BASE64_CORE, this.#byCoreKey, candidates);
    return candidates.size === 0 ? text : redactAll(text, [...candidates]);
  }
}

function addTo(map: Map<string, Set<SecretForms>>, key: string, forms: SecretForms): void {
  let set = map.get(key);
  if (!set) map.set(key, (set = new Set()));
  set.add(forms);
}

function removeFrom(map: Map<string, Set<SecretForms>>, key: string, forms: SecretForms): void {
  const set = map.get(key);
  if (!set) return;
  set.delete(forms);
  if (set.size === 0) map.delete(key);
}

function collect(text: string, keyLength: number, map: Map<string, Set<SecretForms>>, into: Set<SecretForms>): void {
  if (map.size === 0) return;
  for (let i = 0; i + keyLength <= text.length; i++) {
    const found = map.get(text.slice(i, i + keyLength));
    if (found) for (const forms of found) into.add(forms);
  }
}

function redactAll(text: string, forms: SecretForms[]): string {
  // Longest first: a secret that contains a shorter one must go whole, not leave its remainder.
  forms.sort((a, b) => b.secret.length - a.secret.length);
  let out = text;
  for (const secret of forms) {
    if (secret.anchor === undefined || out.includes(secret.anchor)) out = out.replace(secret.written(), REDACTED);
    out = redactBase64Runs(out, secret.base64Cores);
  }
  return out;
}

/** Redacts each whole base64 run (plus its padding) that contains one of `cores`. */
function redactBase64Runs(text: string, cores: readonly string[]): string {
  const runs: [number, number][] = [];
  for (const core of cores) {
    for (let at = text.indexOf(core); at !== -1; at = text.indexOf(core, at + core.length)) {
      let start = at;
      let end = at + core.length;
      while (start > 0 && BASE64_CHAR.test(text[start - 1] as string)) start--;
      while (end < text.length && BASE64_CHAR.test(text[end] as string)) end++;
      while (end < text.length && text[end] === '=') end++;
      runs.push([start, end]);
    }
  }
  if (runs.length === 0) return text;
  runs.sort((a, b) => a[0] - b[0]);
  let out = '';
  let copied = 0;
  for (const [start, end] of runs) {
    if (end <= copied) continue;
    if (start >= copied) out += text.slice(copied, start) + REDACTED;
    copied = end;
  }
  return out + text.slice(copied);
}
