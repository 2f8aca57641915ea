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
