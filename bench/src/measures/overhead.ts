/**
 * Measure 3, store overhead: findToken / saveToken of each store against (a) the same query written
 * directly with the raw driver on the same pool or connection (the physical floor; target <= 1.3x),
 * and (b) a Zoho-DBStore-style baseline (new connection per call, SQL built by string concatenation,
 * no index; for files the Zoho CSV FileStore). All variants run interleaved on tables of equal size.
 *
 * findToken: a probe with only a user signature (how an app finds its user's token).
 * saveToken: replacing an existing record (what the refresh engine does after every refresh). The
 * floor is one UPDATE by id; the store matches first (SELECT) and then replaces (UPDATE), so the
 * "select+update" raw variant shows how much of the gap is that extra round trip.
 */
import { OAuthToken } from '@tokenstore/core';
import { recordFromUnknown, type TokenRecord } from '@tokenstore/core/store-kit';
import type { BenchConfig } from '../lib/config.js';
import { fmtLatency, fmtRatio, interleave, ratioOf, type Summary } from '../lib/stats.js';
import { skipRow, type MeasureResult, type Row } from '../lib/results.js';
import { benchRecord, benchUser, probeSequence } from '../lib/tokens.js';
import { usableAdapters } from '../stores/registry.js';
import type { OpenedStore, StoreAdapter, ZohoBaseline } from '../stores/types.js';
import { withServerRetry } from '../lib/services.js';

const TARGET = 1.3;

export async function runOverhead(config: BenchConfig): Promise<MeasureResult> {
  const rows: Row[] = [];
  const notes: string[] = [];
  const data: Record<string, unknown> = {};
  const { usable, skipped } = await usableAdapters(config.stores.filter((k) => k !== 'memory'));
  for (const s of skipped) rows.push(skipRow('3 store overhead', s.kind, s.why));
  const n = config.overhead.rows;
  await coreCost(config, rows, data);
  const retried: string[] = [];
  for (const adapter of usable) {
    try {
      await withServerRetry(adapter.kind, () => measureStore(adapter), retried);
    } catch (error) {
      rows.push(skipRow('3 store overhead', adapter.label, `failed: ${(error as Error).message}`));
      notes.push(`Store overhead ${adapter.label}: failed: ${(error as Error).stack ?? error}`);
    }
  }
  for (const r of retried) notes.push(`Store overhead: retried after the server went away (another process restarted it): ${r}`);
  return { rows, data, notes };

  async function measureStore(adapter: StoreAdapter): Promise<void> {
    const opened: OpenedStore[] = [];
    let zoho: ZohoBaseline | undefined;
    try {
      const findSide = await adapter.open('tsbench_ovh_find');
      opened.push(findSide);
      const saveSide = await adapter.open('tsbench_ovh_save');
      opened.push(saveSide);
      for (const o of opened) {
        await o.bulkLoad(0, n);
        await o.analyze?.();
      }
      zoho = await adapter.zoho?.('tsbench_ovh');
      await zoho?.load(n);
      const raw = findSide.raw;
      const rawSave = saveSide.raw;
      if (!raw || !rawSave) throw new Error(`${adapter.label}: no raw-driver floor defined`);

      const users = probeSequence(n, 4096).map(benchUser);
      const probes = users.map((name) => new OAuthToken({ userSignature: { name } }));
      // Saves replace existing records with a new access token each time (as a refresh does).
      const saveIdx = probeSequence(n, 256, 7);
      let version = 0;
      const nextRecord = (k: number): TokenRecord => {
        const record = benchRecord(saveIdx[k % saveIdx.length] as number);
        return { ...record, accessToken: `${record.accessToken}.v${++version}`, expiresAt: Date.now() + 3_600_000 };
      };
      const tokens = Array.from({ length: 256 }, (_, k) => OAuthToken.fromRecord(nextRecord(k)));
      const records = Array.from({ length: 256 }, (_, k) => nextRecord(k));

      let cursor = 0;
      const loop = (op: (k: number) => Promise<unknown>) => async (count: number) => {
        for (let i = 0; i < count; i++) await op(cursor++);
      };
      const find = await interleave(
        {
          store: loop(async (k) => {
            if (!(await findSide.store.findToken(probes[k % probes.length] as OAuthToken))) throw new Error('findToken: no match');
          }),
          raw: loop((k) => raw.findByUser(users[k % users.length] as string)),
          ...(zoho ? { zoho: loop((k) => (zoho as ZohoBaseline).findByUser(users[k % users.length] as string)) } : {}),
        },
        config.overhead.reps,
        config.overhead.batchMs,
      );
      const save = await interleave(
        {
          store: loop((k) => saveSide.store.saveToken(tokens[k % tokens.length] as OAuthToken)),
          raw: loop((k) => rawSave.updateById(records[k % records.length] as TokenRecord)),
          ...(rawSave.selectThenUpdate ? { rawSelectUpdate: loop((k) => (rawSave.selectThenUpdate as (r: TokenRecord) => Promise<unknown>)(records[k % records.length] as TokenRecord)) } : {}),
          ...(zoho ? { zoho: loop((k) => (zoho as ZohoBaseline).save(records[k % records.length] as TokenRecord)) } : {}),
        },
        config.overhead.reps,
        config.overhead.batchMs,
      );
      const pending: Row[] = [];
      const pendingNotes: string[] = [];
      const entry: Record<string, unknown> = { store: adapter.label, rows: n, raw: raw.label, zoho: zoho?.label, find: find.nsPerOp, save: save.nsPerOp, batchSize: { find: find.batchSize, save: save.batchSize } };
      for (const [op, t] of [['findToken', find], ['saveToken', save]] as const) {
        const s = t.nsPerOp.store as Summary;
        const r = t.nsPerOp.raw as Summary;
        const overRaw = ratioOf(s, r);
        const z = t.nsPerOp.zoho;
        const zohoRatio = z ? ratioOf(z, s) : undefined;
        const two = t.nsPerOp.rawSelectUpdate;
        const overTwo = two ? ratioOf(s, two) : undefined;
        entry[`${op}VsRaw`] = overRaw;
        if (zohoRatio) entry[`${op}ZohoVsStore`] = zohoRatio;
        if (overTwo) entry[`${op}VsRawSelectUpdate`] = overTwo;
        const met = overRaw.median <= TARGET;
        pending.push({
          measure: '3 store overhead',
          case: `${op}, ${adapter.label} (${n} rows)`,
          subject: fmtLatency(s.median),
          baseline: `raw ${fmtLatency(r.median)}${two ? ` (select+update ${fmtLatency(two.median)})` : ''}; Zoho-style ${z ? fmtLatency(z.median) : '-'}`,
          result: `${fmtRatio(overRaw)} of raw${overTwo ? `, ${fmtRatio(overTwo)} of select+update` : ''}; Zoho-style is ${zohoRatio ? fmtRatio(zohoRatio) : '-'} slower`,
          target: `<= ${TARGET}x raw`,
          met,
        });
        if (!met) {
          pendingNotes.push(
            `Store overhead ${adapter.label} ${op}: ${overRaw.median.toFixed(2)}x the raw driver (target <= ${TARGET}x): store ${fmtLatency(s.median)} vs raw ${fmtLatency(r.median)}` +
              (two ? `; vs the same two statements (select+update) raw: ${overTwo?.median.toFixed(2)}x` : '') +
              '.',
          );
        }
      }
      data[adapter.kind] = entry;
      rows.push(...pending);
      notes.push(...pendingNotes);
    } finally {
      for (const o of opened) await o.drop().catch(() => undefined);
      await zoho?.drop().catch(() => undefined);
    }
  }
}

/**
 * What every store built on core's RecordTokenStore pays per returned token, whatever the database:
 * OAuthToken.fromRecord (validation, then construction), next to the validation alone. Informational;
 * it explains most of the in-process stores' distance from their raw floor.
 */
async function coreCost(config: BenchConfig, rows: Row[], data: Record<string, unknown>): Promise<void> {
  const record = benchRecord(42);
  let sink = 0;
  const t = await interleave(
    {
      fromRecord: async (n) => {
        for (let i = 0; i < n; i++) sink += OAuthToken.fromRecord(record).expiresAt as number;
      },
      validateOnly: async (n) => {
        for (let i = 0; i < n; i++) sink += recordFromUnknown(record as unknown as Record<string, unknown>).expiresAt as number;
      },
    },
    config.overhead.reps,
    config.overhead.batchMs,
  );
  void sink;
  const a = t.nsPerOp.fromRecord as Summary;
  const b = t.nsPerOp.validateOnly as Summary;
  data.core = { fromRecordNs: a, recordFromUnknownNs: b };
  rows.push({
    measure: '3 store overhead',
    case: 'core: OAuthToken.fromRecord() per returned token (every store)',
    subject: fmtLatency(a.median),
    baseline: `recordFromUnknown() (the validation alone) ${fmtLatency(b.median)}`,
    result: `${fmtRatio(ratioOf(a, b))} of the validation`,
    target: '-',
    met: null,
  });
}
