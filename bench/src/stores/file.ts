import { randomBytes } from 'node:crypto';
import { appendFileSync, closeSync, existsSync, readdirSync, fsyncSync, openSync, readFileSync, renameSync, rmSync, statSync, utimesSync, writeFileSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';
import { RECORD_FIELDS, recordFromUnknown, type TokenRecord } from '@tokenstore/core/store-kit';
import { FileStore, FORMAT, FORMAT_VERSION } from '@tokenstore/store-file';
import { benchRecord } from '../lib/tokens.js';
import { benchPath } from '../lib/tmp.js';
import type { StoreAdapter, ZohoBaseline } from './types.js';

/** The FileStore document for these records (same layout FileStore writes: see token-file.ts). */
function documentOf(records: Iterable<TokenRecord>): string {
  const tokens = [...records].map((r) => Object.fromEntries(RECORD_FIELDS.filter((f) => r[f] !== null).map((f) => [f, r[f]])));
  return `${JSON.stringify({ format: FORMAT, version: FORMAT_VERSION, tokens }, null, 2)}\n`;
}

/** temp file -> fsync -> rename -> fsync dir: the minimum for an atomic, durable replace. */
function writeAtomicDurable(path: string, text: string): void {
  const temp = `${path}.${randomBytes(4).toString('hex')}.raw.tmp`;
  const fd = openSync(temp, 'w', 0o600);
  try {
    writeSync(fd, text);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(temp, path);
  const dir = openSync(dirname(path), 'r');
  try {
    fsyncSync(dir);
  } finally {
    closeSync(dir);
  }
}

function removeAll(path: string): void {
  for (const p of [path, `${path}.lock`, `${path}.leases`]) rmSync(p, { recursive: true, force: true });
}

export const fileAdapter: StoreAdapter = {
  kind: 'file',
  label: 'FileStore',
  shared: true,
  unavailable: async () => null,
  async open(name) {
    const path = benchPath(`${name}.json`);
    removeAll(path);
    const store = new FileStore({ path });
    // What a hand-written reader of this file keeps: the records by user and by id.
    let byUser = new Map<string, TokenRecord>();
    let byId = new Map<string, TokenRecord>();
    let count = 0;
    return {
      kind: 'file',
      store,
      async bulkLoad(from, to) {
        const records: TokenRecord[] = [];
        for (let i = 0; i < to; i++) records.push(i < from ? (byId.get(`id-${i}`) as TokenRecord) : benchRecord(i));
        writeFileSync(path, documentOf(records), { mode: 0o600 });
        // A file written a while ago (as it would be in production): FileStore's racy-window rule
        // (re-read bytes for 2.5 s after a write) must not be what the lookups measure.
        const past = new Date(Date.now() - 60_000);
        utimesSync(path, past, past);
        byUser = new Map(records.map((r) => [r.userName as string, r]));
        byId = new Map(records.map((r) => [r.id as string, r]));
        count = records.length;
      },
      leaseCount: async () => (existsSync(`${path}.leases`) ? readdirSync(`${path}.leases`).length : 0),
      raw: {
        label: 'fs: 1 stat + Map lookup (find); temp+fsync+rename+fsync dir (save)',
        // The least a reader that must notice other processes' writes can do: stat, then memory.
        findByUser: async (user) => {
          statSync(path, { bigint: true });
          return byUser.get(user);
        },
        updateById: async (r) => {
          byId.set(r.id as string, r);
          writeAtomicDurable(path, documentOf(byId.values()));
        },
      },
      async drop() {
        await store.close();
        removeAll(path);
        void count;
      },
      close: () => store.close(),
    };
  },
  openStoreOnly: async (name) => new FileStore({ path: benchPath(`${name}.json`) }),
  async zoho(name) {
    // The Zoho SDKs' FileStore: a CSV file read whole on every lookup and scanned line by line;
    // saveToken deletes the user's line (rewriting the file) then appends. No lock, no fsync.
    const path = benchPath(`${name}-zoho.csv`);
    const header = RECORD_FIELDS.join(',');
    const line = (r: TokenRecord) => RECORD_FIELDS.map((f) => r[f] ?? '').join(',');
    const parse = (l: string): TokenRecord => {
      const cells = l.split(',');
      return recordFromUnknown(Object.fromEntries(RECORD_FIELDS.map((f, k) => [f, cells[k] === '' ? null : cells[k]])));
    };
    const userCol = RECORD_FIELDS.indexOf('userName');
    return {
      label: 'Zoho FileStore: CSV read whole and scanned per call, rewrite on save',
      async load(rows) {
        const lines = [header];
        // A user name has a comma-free shape here, as in Zoho's CSV (which never quoted anything).
        for (let i = 0; i < rows; i++) lines.push(line(benchRecord(i)));
        writeFileSync(path, `${lines.join('\n')}\n`);
      },
      async findByUser(user) {
        const lines = readFileSync(path, 'utf8').split('\n');
        for (let k = 1; k < lines.length; k++) {
          const l = lines[k] as string;
          if (l !== '' && l.split(',')[userCol] === user) return parse(l);
        }
        return null;
      },
      async save(r) {
        const kept = readFileSync(path, 'utf8')
          .split('\n')
          .filter((l, k) => k === 0 || (l !== '' && l.split(',')[userCol] !== r.userName));
        writeFileSync(path, `${kept.join('\n')}\n`);
        appendFileSync(path, `${line(r)}\n`);
      },
      drop: async () => rmSync(path, { force: true }),
    } satisfies ZohoBaseline;
  },
};
