/**
 * `scripts/services start && pnpm bench` must work without `eval "$(scripts/services env)"`: when a
 * TOKENSTORE_*_URL is missing, ask the services script for it (it only prints, it starts nothing).
 */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const SCRIPT = fileURLToPath(new URL('../../../scripts/services', import.meta.url));
const VARS = ['TOKENSTORE_PG_URL', 'TOKENSTORE_MYSQL_URL', 'TOKENSTORE_MONGO_URL'];

export function loadServiceEnv(): string[] {
  const missing = VARS.filter((v) => !process.env[v]);
  if (missing.length === 0 || !existsSync(SCRIPT)) return [];
  let out: string;
  try {
    out = execFileSync('bash', [SCRIPT, 'env'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'], timeout: 10_000 });
  } catch {
    return [];
  }
  const loaded: string[] = [];
  for (const line of out.split('\n')) {
    const m = /^export (TOKENSTORE_[A-Z_]+_URL)=(.*)$/.exec(line.trim());
    if (m && missing.includes(m[1] as string)) {
      process.env[m[1] as string] = (m[2] as string).replace(/^['"]|['"]$/g, '');
      loaded.push(m[1] as string);
    }
  }
  return loaded;
}

const URL_VARS: Record<string, string> = { postgres: 'TOKENSTORE_PG_URL', mysql: 'TOKENSTORE_MYSQL_URL', mongo: 'TOKENSTORE_MONGO_URL' };
const TRANSIENT = /ECONNREFUSED|ECONNRESET|EPIPE|terminating connection|Connection lost|server closed|closed the connection|server is unavailable|STORE_UNAVAILABLE|MongoNetwork|ServerSelection|connection .* closed|socket hang up|the database system is (starting|shutting)|failed to connect|57P0[13]/i;

async function portOpen(host: string, port: number): Promise<boolean> {
  const { connect } = await import('node:net');
  return new Promise((resolve) => {
    const socket = connect({ host, port });
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
    socket.setTimeout(1000, () => done(false));
  });
}

/**
 * The database servers are shared with other work on this machine, which may restart them (the stores'
 * recovery tests do; restarting PostgreSQL also takes FerretDB's backend away). A measure that lost its
 * server is retried, up to twice, once the server accepts connections again (or after 90 s). Every
 * retry is reported in `retried`.
 */
export async function withServerRetry<T>(kind: string, body: () => Promise<T>, retried: string[], retries = 2): Promise<T> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await body();
    } catch (error) {
      const text = `${(error as Error)?.message ?? ''} ${String((error as { cause?: Error })?.cause?.message ?? '')}`;
      const variable = URL_VARS[kind];
      if (attempt >= retries || !variable || !TRANSIENT.test(text)) throw error;
      const url = new URL(process.env[variable] as string);
      const port = Number(url.port) || { postgres: 5432, mysql: 3306, mongo: 27017 }[kind as 'postgres'];
      const deadline = Date.now() + 90_000;
      // Let a restart in progress finish: wait a little, then for the port, then a little more.
      await new Promise((r) => setTimeout(r, 3000));
      while (Date.now() < deadline && !(await portOpen(url.hostname, port))) await new Promise((r) => setTimeout(r, 1000));
      await new Promise((r) => setTimeout(r, 2000));
      retried.push(`${kind}: ${text.trim().split('\n')[0]}`);
    }
  }
}
