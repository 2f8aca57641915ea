/**
 * Issue 14: N processes of a Zoho CRM SDK app (the real `@zohocrm/typescript-sdk-8.0` 3.0.0), each
 * making M concurrent API calls at the same moment on one expired token; token requests counted at
 * a fake Zoho accounts server on loopback (30 ms per token response). The SDK with its own stores
 * (FileStore on one sdk_tokens.txt, DBStore on one MySQL `oauthtoken` table) against the SDK through
 * @tokenstore/zoho's bridge (SQLiteStore file, MySQLStore table). Goal: 1 token request per expiry.
 *
 * The processes run packages/zoho/test/helpers/sdk-herd-child.mjs, which resolves the SDK from
 * packages/zoho (bench does not depend on the SDKs) and uses its built dist: build it first.
 * Standalone: `cd bench && npx tsx src/measures/zoho.ts [processes] [calls] [runs] [kinds]` (default 8 x 20, 3 runs, all four kinds);
 * writes bench/results/zoho.json.
 */
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import mysql from 'mysql2/promise';
import { runSdkHerd, ZOHO_DBSTORE_DDL, type HerdKind, type HerdResult } from '../../../packages/zoho/test/helpers/sdk-herd.js';
import { machine } from '../lib/machine.js';
import type { MeasureResult, Row } from '../lib/results.js';
import { loadServiceEnv } from '../lib/services.js';

const MYSQL_URL = () => process.env.TOKENSTORE_MYSQL_URL ?? 'mysql://tokenstore:tokenstore@127.0.0.1:3306/tokenstore_test';

const LABELS: Record<HerdKind, string> = {
  'sdk-file': 'SDK + its FileStore (one sdk_tokens.txt)',
  'sdk-db': 'SDK + its DBStore (MySQL oauthtoken)',
  'bridge-sqlite': 'SDK + bridge on SQLiteStore (one file)',
  'bridge-mysql': 'SDK + bridge on MySQLStore',
};

async function runOne(kind: HerdKind, processes: number, calls: number): Promise<HerdResult> {
  const dir = mkdtempSync(join(tmpdir(), 'bench-zoho-'));
  const table = `bench_zoho_${randomBytes(4).toString('hex')}`;
  const db = kind === 'sdk-db' || kind === 'bridge-mysql' ? await mysql.createConnection(MYSQL_URL()) : undefined;
  try {
    if (kind === 'sdk-db') await db?.query(ZOHO_DBSTORE_DDL(table));
    return await runSdkHerd({ kind, processes, calls, path: join(dir, kind === 'sdk-file' ? 'sdk_tokens.txt' : 'tokens.db'), mysqlUrl: MYSQL_URL(), table });
  } finally {
    await db?.query(`DROP TABLE IF EXISTS ${table}`);
    await db?.query(`DROP TABLE IF EXISTS ${table}_migrations`);
    await db?.end();
    rmSync(dir, { recursive: true, force: true });
  }
}

export async function runZoho(processes = 8, calls = 20, runs = 3, kinds: HerdKind[] = ['sdk-file', 'sdk-db', 'bridge-sqlite', 'bridge-mysql']): Promise<MeasureResult> {
  const data: Record<string, HerdResult[]> = {};
  for (let run = 0; run < runs; run++) {
    for (const kind of kinds) (data[kind] ??= []).push(await runOne(kind, processes, calls));
  }
  const span = (rs: HerdResult[], f: (r: HerdResult) => number) => {
    const v = rs.map(f).sort((a, b) => a - b);
    return v[0] === v[v.length - 1] ? `${v[0]}` : `${v[0]}-${v[v.length - 1]}`;
  };
  const rows: Row[] = kinds.map((kind) => {
    const rs = data[kind] as HerdResult[];
    const bridge = kind.startsWith('bridge');
    return {
      measure: 'zoho',
      case: `${processes} processes x ${calls} calls, expired token`,
      subject: LABELS[kind],
      baseline: bridge ? 'goal: 1 per expiry' : '-',
      result: `${span(rs, (r) => r.tokenRequests)} token requests; ${span(rs, (r) => r.callsOk)}/${processes * calls} calls ok`,
      target: bridge ? '1' : '-',
      met: bridge ? rs.every((r) => r.tokenRequests === 1 && r.callsFailed === 0) : null,
    };
  });
  const notes = kinds.flatMap((kind) => (data[kind] as HerdResult[]).flatMap((r) => r.errors.map((e) => `${kind}: ${e}`)));
  return { rows, data, notes };
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  loadServiceEnv();
  const processes = Number(process.argv[2] ?? 8);
  const calls = Number(process.argv[3] ?? 20);
  const runs = Number(process.argv[4] ?? 3);
  const started = Date.now();
  const kinds = process.argv[5] ? (process.argv[5].split(',') as HerdKind[]) : undefined;
  const result = await runZoho(processes, calls, runs, kinds);
  for (const r of result.rows) console.log(`${r.subject.padEnd(42)} ${r.result}${r.met === null ? '' : r.met ? '  (goal met)' : '  (goal MISSED)'}`);
  for (const n of result.notes) console.log(`note: ${n}`);
  const out = fileURLToPath(new URL('../../results/', import.meta.url));
  mkdirSync(out, { recursive: true });
  writeFileSync(join(out, kinds ? `zoho-${kinds.join('+')}.json` : 'zoho.json'), `${JSON.stringify({ date: new Date().toISOString(), machine: machine(), processes, calls, runs, seconds: (Date.now() - started) / 1000, ...result }, null, 2)}\n`);
}
