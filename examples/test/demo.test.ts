/**
 * `pnpm demo` as a user runs it: a child process, exit code 0, every step printed, and not one secret
 * in its output. The demo writes every raw secret it handles (client secret, authorization code,
 * access and refresh tokens, from both of its processes) to a side file when
 * TOKENSTORE_DEMO_SECRETS_FILE is set; the test greps stdout and stderr for each of them.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const EXAMPLES = join(dirname(fileURLToPath(import.meta.url)), '..');

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
  ms: number;
  secrets: string[];
}

let dir: string;
let run: Run;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'tokenstore-demo-'));
  const secretsFile = join(dir, 'secrets.jsonl');
  const started = Date.now();
  const child = spawn(process.execPath, ['--import', import.meta.resolve('tsx'), 'demo.ts'], {
    cwd: EXAMPLES,
    env: { ...process.env, TOKENSTORE_DEMO_SECRETS_FILE: secretsFile, TOKENSTORE_DEMO_DIR: join(dir, 'db'), NO_COLOR: '1' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  const code = await new Promise<number | null>((resolve) => child.once('close', resolve));
  let secrets: string[] = [];
  try {
    secrets = readFileSync(secretsFile, 'utf8').trim().split('\n').filter(Boolean).map((line) => JSON.parse(line) as string);
  } catch {
    // asserted below
  }
  run = { code, stdout, stderr, ms: Date.now() - started, secrets: [...new Set(secrets)] };
}, 60_000);

afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('pnpm demo', () => {
  it('exits 0 within 15 s', () => {
    expect(run.code, `stderr:\n${run.stderr}\nstdout:\n${run.stdout}`).toBe(0);
    expect(run.ms).toBeLessThan(15_000);
  });

  it('prints every step', () => {
    const out = run.stdout;
    for (const step of [
      '[1/7] Start a local OAuth 2.0 authorization server and a protected API',
      '[2/7] Open the token store',
      '[3/7] alice@example.com signs in; the SDK exchanges the authorization code and saves the token',
      '[4/7] Call the API with the stored token',
      '[5/7] Let the access token expire',
      '[6/7] Call the API again: the SDK refreshes the token by itself',
      '[7/7] A second process reuses the stored token without logging in',
    ]) {
      expect(out).toContain(step);
    }
    expect(out).toContain('sdk log: grant token exchanged');
    expect(out).toMatch(/GET \/api\/me -> 200 \{ sub: 'alice@example\.com'/);
    expect(out).toContain('the API now rejects the old access token -> 401');
    expect(out).toMatch(/tokenRefreshed reason=expired rotated=true/);
    expect(out).toContain('process 2 | found it (no login, no authorization code)');
    expect(out).toMatch(/process 2 \| GET \/api\/me -> 200/);
    expect(out).toContain('provider, during process 2: 0 authorization codes exchanged');
    expect(out).toMatch(/Done in \d+\.\d s/);
    // Tokens are shown, redacted by OAuthToken's util.inspect.
    expect(out).toContain("accessToken: '[redacted]'");
    expect(out).toContain("refreshToken: '[redacted]'");
    expect(out).toContain("clientSecret: '[redacted]'");
    // The store is encrypted, and the demo shows what the file holds.
    expect(out).toContain('encryptedStore(new SQLiteStore(');
    expect(out).toMatch(/what a copy of the file shows \(no key\): refreshToken 'tse1:demo-[\d-]+:[A-Za-z0-9_-]{8}…' \(\d+ chars\), accessToken 'tse1:/);
  });

  it('leaves no secret readable in the SQLite file (encrypted at rest): not as is, base64 or hex', () => {
    const db = join(dir, 'db', 'tokens.db');
    const bytes = Buffer.concat([db, `${db}-wal`].filter((file) => existsSync(file)).map((file) => readFileSync(file)));
    expect(bytes.includes(Buffer.from('alice@example.com')), 'the scan reads the real file').toBe(true);
    // Client secret, code, access and refresh tokens of both processes, and the generated key itself.
    expect(run.secrets.length).toBeGreaterThanOrEqual(7);
    for (const secret of run.secrets) {
      const raw = Buffer.from(secret, 'utf8');
      for (const form of [secret, raw.toString('base64'), raw.toString('base64url'), raw.toString('hex')]) {
        expect(bytes.includes(Buffer.from(form)), `a secret (${secret.length} chars) is readable in the file`).toBe(false);
      }
    }
  });

  it('prints no secret, on stdout or stderr', () => {
    // Client secret, code, two access tokens, two refresh tokens at least (both processes record
    // theirs), and the key generated for the run.
    expect(run.secrets.length).toBeGreaterThanOrEqual(7);
    const output = `${run.stdout}\n${run.stderr}`;
    for (const secret of run.secrets) {
      expect(secret.length).toBeGreaterThan(8);
      expect(output.includes(secret), `a secret (${secret.length} chars) was printed`).toBe(false);
    }
    // Belt and braces: nothing shaped like oidc-provider's opaque tokens and codes (43 base64url chars).
    expect(output.match(/[A-Za-z0-9_-]{40,}/g) ?? []).toEqual([]);
  });
});
