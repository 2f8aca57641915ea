// One memory sample: a fresh process that loads n tokens into a store, touches them (one lookup), and
// reports its peak RSS. Plain JavaScript on the built packages (no loader), so the loader's own memory
// is not in the figure. argv: <kind: baseline|memory|file> <n> [file path]
import { MemoryStore, OAuthToken } from '@tokenstore/core';
import { FileStore } from '@tokenstore/store-file';
import { readFileSync } from 'node:fs';
import { record } from './memory-records.mjs';

/**
 * Peak RSS of this process image. Linux's VmHWM belongs to the current address space, so it starts
 * at zero at exec; getrusage's maxRSS does not (it keeps the high-water mark of the forked copy of
 * the parent, which made an "empty" child look as big as the bench process).
 */
function peakRss() {
  try {
    const m = /^VmHWM:\s+(\d+) kB/m.exec(readFileSync('/proc/self/status', 'utf8'));
    if (m) return Number(m[1]) * 1024;
  } catch {
    // not Linux
  }
  return process.resourceUsage().maxRSS * 1024;
}

const [kind, nText, path] = process.argv.slice(2);
const n = Number(nText);

const probe = new OAuthToken({ userSignature: { name: `user-${Math.floor(n / 2)}@bench.example` } });
let store;
if (kind === 'memory') {
  store = new MemoryStore();
  for (let i = 0; i < n; i++) await store.saveToken(OAuthToken.fromRecord(record(i)));
} else if (kind === 'file') {
  store = new FileStore({ path });
} else if (kind !== 'baseline') {
  throw new Error(`unknown kind ${kind}`);
}
const started = performance.now();
const found = store ? await store.findToken(probe) : probe;
const firstLookupMs = performance.now() - started;
if (!found) throw new Error('memory-child: the probe was not found');
globalThis.gc?.();
const heapUsed = process.memoryUsage().heapUsed;
const rssNow = process.memoryUsage().rss;
// Keep the store reachable until after the measurement.
if (store) await store.findToken(probe);
process.stdout.write(`${JSON.stringify({ kind, n, peakRssBytes: peakRss(), rssBytes: rssNow, heapUsedBytes: heapUsed, firstLookupMs })}\n`);
await store?.close?.();
