/**
 * `pnpm --filter @tokenstore/bench exec tsx src/encryption.ts [--quick] [--stores=sqlite,postgres,...]`:
 * what encryption at rest costs, per store. For each store, two tables of equal size: one plain, one
 * behind encryptedStore (loaded through the driver, then moved to the key by rotateKeys, whose rate is
 * reported too). Interleaved, on the same server:
 * - findToken by user signature (how an app finds its user's token; nothing to encrypt in the probe),
 * - findToken by refresh token (the probe is encrypted, one indexed lookup on the ciphertext),
 * - saveToken of an existing record by id and user (what the refresh engine does after a refresh).
 * Reported as the encrypted / plain ratio (goal <= 1.15x on the server stores). The finds are also
 * measured with `readCacheSize: 0` (every read decrypted and verified: what the first read of a
 * freshly written record costs). Prints a table and writes bench/results/encryption.json.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { EncryptedStore, OAuthToken, rotateKeys, type TokenRecord } from '@tokenstore/core';
import { randomBytes } from 'node:crypto';
import { STORE_KINDS, type StoreKind } from './lib/config.js';
import { machine } from './lib/machine.js';
import { loadServiceEnv } from './lib/services.js';
import { fmtLatency, fmtRatio, interleave, ratioOf, type Summary } from './lib/stats.js';
import { benchDir, removeBenchDir } from './lib/tmp.js';
import { benchRecord, probeSequence } from './lib/tokens.js';
import { usableAdapters } from './stores/registry.js';
import type { OpenedStore } from './stores/types.js';

const RESULTS = fileURLToPath(new URL('../results/', import.meta.url));
const GOAL = 1.15;
const SERVER_STORES = new Set<StoreKind>(['postgres', 'mysql', 'mongo']);

const args = process.argv.slice(2);
const quick = args.includes('--quick');
const storesArg = args.find((a) => a.startsWith('--stores='))?.slice('--stores='.length);
const kinds = (storesArg ? storesArg.split(',') : STORE_KINDS.filter((k) => k !== 'memory')) as StoreKind[];
const rows = 1000;
const reps = quick ? 5 : 21;
const batchMs = quick ? 20 : 40;

interface Line {
  store: string;
  op: string;
  plain: number;
  encrypted: number;
  ratio: Summary;
  /** Without the verified-record cache (finds only). */
  cold?: { encrypted: number; ratio: Summary };
  server: boolean;
}

async function main(): Promise<void> {
  loadServiceEnv();
  benchDir();
  const host = machine();
  console.log(`tokenstore encryption bench (${quick ? 'quick' : 'full'}): ${host.cores} cores, ${host.cpuModel}, Node ${host.node}; ${rows} rows per table, ${reps} reps`);
  const { usable, skipped } = await usableAdapters(kinds);
  for (const s of skipped) console.log(`skipped ${s.kind}: ${s.why}`);
  const lines: Line[] = [];
  const rotation: Record<string, number> = {};
  for (const adapter of usable) {
    const opened: OpenedStore[] = [];
    try {
      const plain = await adapter.open('tsbench_enc_plain');
      opened.push(plain);
      const inner = await adapter.open('tsbench_enc_cipher');
      opened.push(inner);
      for (const o of opened) {
        await o.bulkLoad(0, rows);
        await o.analyze?.();
      }
      const keys = [{ id: 'bench', key: randomBytes(32) }];
      const encrypted = new EncryptedStore(inner.store, { keys, acceptPlaintext: false });
      const uncached = new EncryptedStore(inner.store, { keys, acceptPlaintext: false, readCacheSize: 0 });
      const started = process.hrtime.bigint();
      const rotated = await rotateKeys(encrypted);
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      if (rotated.reencrypted !== rows || rotated.failed.length) throw new Error(`rotation: ${JSON.stringify(rotated)}`);
      rotation[adapter.label] = rows / seconds;
      // The plain table gets the same writes (every record saved once), so both sides have the same
      // history: a store that re-reads a recently written file, for instance, treats them alike.
      for (const token of await plain.store.getTokens()) await plain.store.saveToken(token);
      // FileStore re-checks a file's content digest while its last write is within the mtime's racy
      // window (2.5 s): let both sides leave it, or the side written last pays for it.
      await new Promise((resolve) => setTimeout(resolve, 3000));

      const picks = probeSequence(rows, 512);
      const byUser = picks.map((i) => new OAuthToken({ userSignature: { name: benchRecord(i).userName as string } }));
      const byRefresh = picks.map((i) => new OAuthToken({ clientId: benchRecord(i).clientId as string, refreshToken: benchRecord(i).refreshToken as string }));
      let version = 0;
      const saves = picks.slice(0, 256).map((i) => benchRecord(i));
      const nextSave = (k: number): OAuthToken => {
        const record: TokenRecord = saves[k % saves.length] as TokenRecord;
        // A refresh: same id and user, new access token and expiry (identical on both sides).
        return OAuthToken.fromRecord({ ...record, accessToken: `${record.accessToken}.v${++version}`, expiresAt: Date.now() + 3_600_000 });
      };
      let cursor = 0;
      const loop = (op: (k: number) => Promise<unknown>) => async (count: number) => {
        for (let i = 0; i < count; i++) await op(cursor++);
      };
      const found = (token: OAuthToken | null) => {
        if (!token) throw new Error('findToken: no match');
      };
      const ops: [string, (store: { findToken(t: OAuthToken): Promise<OAuthToken | null>; saveToken(t: OAuthToken): Promise<OAuthToken> }) => (k: number) => Promise<unknown>][] = [
        ['findToken by user', (s) => async (k) => found(await s.findToken(byUser[k % byUser.length] as OAuthToken))],
        ['findToken by refresh token', (s) => async (k) => found(await s.findToken(byRefresh[k % byRefresh.length] as OAuthToken))],
        ['saveToken (refresh: id + user)', (s) => (k) => s.saveToken(nextSave(k))],
      ];
      for (const [op, make] of ops) {
        const isFind = op.startsWith('findToken');
        const t = await interleave({ plain: loop(make(plain.store)), encrypted: loop(make(encrypted)), ...(isFind ? { cold: loop(make(uncached)) } : {}) }, reps, batchMs);
        const p = t.nsPerOp.plain as Summary;
        const e = t.nsPerOp.encrypted as Summary;
        const c = t.nsPerOp.cold;
        lines.push({ store: adapter.label, op, plain: p.median, encrypted: e.median, ratio: ratioOf(e, p), ...(c ? { cold: { encrypted: c.median, ratio: ratioOf(c, p) } } : {}), server: SERVER_STORES.has(adapter.kind) });
      }
      // The refreshed records must still read back through the encrypted store (and never in plaintext).
      for (const record of saves.slice(0, 8)) if (!(await encrypted.findTokenById(record.id as string))) throw new Error('a saved record is gone');
    } catch (error) {
      console.log(`${adapter.label}: failed: ${(error as Error).stack ?? error}`);
    } finally {
      for (const o of opened) await o.drop().catch(() => undefined);
    }
  }
  console.log('\n| store | operation | plain | encrypted | encrypted / plain (median, IQR) | goal | every read decrypted (readCacheSize 0) |');
  console.log('| --- | --- | --- | --- | --- | --- | --- |');
  for (const l of lines) {
    const goal = l.server ? `<= ${GOAL}x: ${l.ratio.median <= GOAL ? 'met' : 'MISSED'}` : '-';
    const cold = l.cold ? `${fmtLatency(l.cold.encrypted)}, ${fmtRatio(l.cold.ratio)}` : '-';
    console.log(`| ${l.store} | ${l.op} | ${fmtLatency(l.plain)} | ${fmtLatency(l.encrypted)} | ${fmtRatio(l.ratio)} | ${goal} | ${cold} |`);
  }
  for (const [store, rate] of Object.entries(rotation)) console.log(`rotateKeys over ${store}: ${Math.round(rate)} records/s (${rows} records, lease + re-read + save each)`);
  mkdirSync(RESULTS, { recursive: true });
  const file = `${RESULTS}encryption${quick ? '-quick' : ''}.json`;
  writeFileSync(file, `${JSON.stringify({ date: new Date().toISOString(), machine: host, rows, reps, lines: lines.map((l) => ({ ...l, ratio: brief(l.ratio), ...(l.cold ? { cold: { encrypted: l.cold.encrypted, ratio: brief(l.cold.ratio) } } : {}) })), rotationRecordsPerSecond: rotation }, null, 2)}\n`);
  console.log(`wrote ${file}`);
}

function brief(s: Summary): { median: number; p25: number; p75: number } {
  return { median: s.median, p25: s.p25, p75: s.p75 };
}

main()
  .catch((error: unknown) => {
    console.error(error);
    process.exitCode = 1;
  })
  .finally(() => removeBenchDir());
