/**
 * What demo.ts and second-process.ts share: where the token database lives, the SDK environment for
 * the local server, and how steps are printed.
 */
import { randomBytes } from 'node:crypto';
import { appendFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { inspect } from 'node:util';
import { FORMAT_PREFIX, KEYS_ENV_VARIABLE, customEnvironment, type Environment, type OAuthToken } from '@tokenstore/core';

export const HERE = dirname(fileURLToPath(import.meta.url));
/** The demo's token database (examples/.demo is gitignored; the file is removed at the start of every run). */
export const DEMO_DIR = process.env.TOKENSTORE_DEMO_DIR || join(HERE, '.demo');
export const DB_FILE = join(DEMO_DIR, 'tokens.db');

/** A path as the user sees it from the repository root. */
export function displayPath(path: string): string {
  const fromRoot = relative(join(HERE, '..'), path);
  return fromRoot.startsWith('..') ? path : fromRoot;
}
export const USER = 'alice@example.com';

/** The local server's endpoints, as the first process hands them to the second one. */
export interface ServerEndpoints {
  issuer: string;
  tokenEndpoint: string;
  revocationEndpoint: string;
}

/** Any RFC 6749 server is a custom environment (plain http is accepted on loopback only). */
export function localEnvironment(server: ServerEndpoints): Environment {
  return customEnvironment({
    name: 'local oidc-provider',
    tokenEndpoint: server.tokenEndpoint,
    revocationEndpoint: server.revocationEndpoint,
    apiUrl: server.issuer,
  });
}

const colors = Boolean(process.stdout.isTTY) && !process.env.NO_COLOR;
const paint = (code: number, text: string) => (colors ? `\u001b[${code}m${text}\u001b[0m` : text);
export const bold = (text: string) => paint(1, text);
export const dim = (text: string) => paint(2, text);
export const green = (text: string) => paint(32, text);

/** Prints one line, indented under the current step, with an optional prefix for the second process. */
export function say(prefix: string, text: string): void {
  for (const line of text.split('\n')) console.log(`${prefix}${line}`);
}

/** A token as util.inspect shows it: secrets are printed as [redacted] by OAuthToken itself. */
export function show(token: OAuthToken): string {
  return inspect(token, { colors, breakLength: 100, depth: 3 });
}

export function showJson(value: unknown): string {
  return inspect(value, { colors, breakLength: Infinity });
}

export function clock(epochMs: number | undefined): string {
  return epochMs === undefined ? '?' : new Date(epochMs).toISOString().slice(11, 23);
}

/**
 * For the demo's test only: with TOKENSTORE_DEMO_SECRETS_FILE set, every raw secret the demo handles is
 * appended there (one JSON string a line), so the test can check that none of them was printed.
 */
export function recordSecrets(...secrets: Array<string | undefined>): void {
  const file = process.env.TOKENSTORE_DEMO_SECRETS_FILE;
  if (!file) return;
  const lines = secrets.filter((s): s is string => typeof s === 'string' && s !== '').map((s) => `${JSON.stringify(s)}\n`);
  if (lines.length) appendFileSync(file, lines.join(''), { mode: 0o600 });
}

/**
 * The demo's key ring: TOKENSTORE_KEYS when it is set, else a key generated for this run (the token
 * database is new every run too). It stays in the environment, so the second process inherits it;
 * it is never printed. Returns where the keys came from, for the demo to say.
 */
export function demoKeys(): string {
  if (process.env[KEYS_ENV_VARIABLE]) return 'from your environment';
  const key = randomBytes(32).toString('base64');
  recordSecrets(key);
  process.env[KEYS_ENV_VARIABLE] = `demo-${new Date().toISOString().slice(0, 10)}:${key}`;
  return 'generated for this run: in your app, set it from a secret manager';
}

/** A stored value, shortened (the demo's test bans long base64 runs in output): format, key id, a few characters, length. */
export function storedForm(value: string | undefined): string {
  if (value === undefined) return '(absent)';
  if (!value.startsWith(FORMAT_PREFIX)) return `${value.length} chars, NOT ENCRYPTED`;
  const keyEnd = value.indexOf(':', FORMAT_PREFIX.length);
  return `'${value.slice(0, keyEnd + 9)}…' (${value.length} chars)`;
}
