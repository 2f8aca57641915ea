/**
 * Measure 7, encryption at rest (issue 12): what `EncryptedStore` costs, per store. For each store,
 * two tables of equal size: one plain, one behind encryptedStore (loaded through the driver, then
 * moved to the key by rotateKeys, whose rate is reported too). Interleaved, on the same server:
 * - findToken by user signature (how an app finds its user's token; nothing to encrypt in the probe),
 * - findToken by refresh token (the probe is encrypted, one indexed lookup on the ciphertext),
 * - saveToken of an existing record by id and user (what the refresh engine does after a refresh).
 * Reported as the encrypted / plain ratio (goal <= 1.15x on the server stores). The finds are also
 * measured with `readCacheSize: 0` (every read decrypted and verified: what the first read of a
 * freshly written record costs).
 */
import { randomBytes } from 'node:crypto';
import { EncryptedStore, OAuthToken, rotateKeys } from '@tokenstore/core';
import { type TokenRecord } from '@tokenstore/core/store-kit';
import type { BenchConfig, StoreKind } from '../lib/config.js';
import { skipRow, type MeasureResult, type Row } from '../lib/results.js';
import { fmtLatency, fmtRatio, interleave, ratioOf, type Summary } from '../lib/stats.js';
import { benchRecord, probeSequence } from '../lib/tokens.js';
import { usableAdapters } from '../stores/registry.js';
import type { OpenedStore } from '../stores/types.js';

const MEASURE = '7 encryption';
const GOAL = 1.15;
const SERVER_STORES = new Set<StoreKind>(['postgres', 'mysql', 'mongo']);

export async function runEncryption(config: BenchConfig): Promise<MeasureResult> {
  const { rows: size, reps, batchMs } = config.encryption;
  const out: Row[] = [];
  const notes: string[] = [];
  const data: Record<string, unknown> = {};
  const { usable, skipped } = await usableAdapters(config.stores.filter((k) => k !== 'memory'));
  for (const s of skipped) out.push(skipRow(MEASURE, s.kind, s.why));
  for (const adapter of usable) {
    const opened: OpenedStore[] = [];
    const lines: Record<string, unknown> = {};
    try {
      const plain = await adapter.open('tsbench_enc_plain');
      opened.push(plain);
      const inner = await adapter.open('tsbench_enc_cipher');
      opened.push(inner);
      for (const o of opened) {
        await o.bulkLoad(0, size);
        await o.analyze?.();
      }
      const keys = [{ id: 'bench', key: randomBytes(32) }];
      const encrypted = new EncryptedStore(inner.store, { keys, acceptPlaintext: false });
      const uncached = new EncryptedStore(inner.store, { keys, acceptPlaintext: false, readCacheSize: 0 });
      const started = process.hrtime.bigint();
      const rotated = await rotateKeys(encrypted);
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      if (rotated.reencrypted !== size || rotated.failed.length) throw new Error(`rotation: ${JSON.stringify(rotated)}`);
      // The plain table gets the same writes (every record saved once), so both sides have the same
      // history: a store that re-reads a recently written file, for instance, treats them alike.
      for (const token of await plain.store.getTokens()) await plain.store.saveToken(token);
      // FileStore re-checks a file's content digest while its last write is within the mtime's racy
      // window (2.5 s): let both sides leave it, or the side written last pays for it.
      if (adapter.kind === 'file') await new Promise((resolve) => setTimeout(resolve, 3000));

      const picks = probeSequence(size, 512);
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
        const ratio = ratioOf(e, p);
        const cold = c ? ratioOf(c, p) : undefined;
        const server = SERVER_STORES.has(adapter.kind);
        lines[op] = { plainNsPerOp: p, encryptedNsPerOp: e, ratio, ...(c && cold ? { uncachedNsPerOp: c, uncachedRatio: cold } : {}) };
        out.push({
          measure: MEASURE,
          case: `${op}, ${adapter.label} (${size} rows)`,
          subject: `encrypted ${fmtLatency(e.median)}${c && cold ? `; every read decrypted (readCacheSize 0) ${fmtLatency(c.median)}, ${fmtRatio(cold)}` : ''}`,
          baseline: `plain ${fmtLatency(p.median)}`,
          result: `${fmtRatio(ratio)} of plain`,
          target: server ? `<= ${GOAL}x` : '-',
          met: server ? ratio.median <= GOAL : null,
        });
        if (server && !(ratio.median <= GOAL)) notes.push(`Encryption ${adapter.label}, ${op}: ${fmtRatio(ratio)} of the plain store (goal ${GOAL}x).`);
      }
      // The refreshed records must still read back through the encrypted store (and never in plaintext).
      for (const record of saves.slice(0, 8)) if (!(await encrypted.findTokenById(record.id as string))) throw new Error('a saved record is gone');
      out.push({
        measure: MEASURE,
        case: `rotateKeys, ${adapter.label} (${size} plaintext records)`,
        subject: `${Math.round(size / seconds)} records/s (lease + re-read + save each)`,
        baseline: '-',
        result: `${seconds.toFixed(2)} s`,
        target: '-',
        met: null,
      });
      data[adapter.kind] = { store: adapter.label, rows: size, ops: lines, rotationRecordsPerSecond: size / seconds };
    } catch (error) {
      out.push(skipRow(MEASURE, adapter.label, `failed: ${(error as Error).message.split('\n')[0]}`));
      notes.push(`Encryption on ${adapter.label} failed: ${(error as Error).stack ?? error}`);
    } finally {
      for (const o of opened) await o.drop().catch(() => undefined);
    }
  }
  return { rows: out, data, notes };
}
