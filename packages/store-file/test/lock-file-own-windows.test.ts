import { spawnSync } from 'node:child_process';
import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { LockFile } from '../src/lock-file.js';
import { isStale, parseHolder, type Seen } from '../src/lock-holder.js';
import { tempDir } from './helpers.js';

// A lock file that names this very thread is judged by whether this thread holds it right now
// (heldHere). So the lock must count as held for as long as it sits at its path: from the instant
// it is linked into place until after it is unlinked. Either gap lets another waiter of this
// thread judge a live lock stale and break it (seen in CI as a holder losing its lock mid-hold).
// The verdicts are taken synchronously inside those windows, so no timing luck is needed.

const verdictsAtLink: { file: string; stale: boolean }[] = [];

vi.mock('node:fs/promises', async (importOriginal) => {
  const actual = await importOriginal<typeof import('node:fs/promises')>();
  const link: typeof actual.link = async (from, to) => {
    await actual.link(from, to);
    // The instant the lock appears, before the acquirer's own code resumes.
    const file = String(to);
    if (file.endsWith('.lock') || file.endsWith('.break')) verdictsAtLink.push({ file: file.slice(file.lastIndexOf('.')), stale: isStale(seenNow(file), 30_000) });
  };
  return { ...actual, default: { ...actual, link }, link };
});

function seenNow(path: string): Seen {
  const raw = readFileSync(path, 'utf8');
  const info = statSync(path);
  return { holder: parseHolder(raw), raw, ino: info.ino, mtimeMs: info.mtimeMs };
}

let dir: string;
let cleanup: () => void;
beforeEach(() => ({ dir, cleanup } = tempDir()));
afterEach(() => cleanup());

const lockAt = () => new LockFile(join(dir, 'tokens.json.lock'), { timeoutMs: 5_000, staleMs: 30_000 });

describe('a lock of this thread is never judged stale while it is at its path', () => {
  it('from the instant it is linked into place', async () => {
    verdictsAtLink.length = 0;
    const held = await lockAt().acquire();
    expect(verdictsAtLink).toEqual([{ file: '.lock', stale: false }]);
    await held.release();
  });

  it('the `.break` mutex of a breaker, too (else two breakers of one thread run at once)', async () => {
    const dead = Number(spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' }).stdout);
    writeFileSync(join(dir, 'tokens.json.lock'), JSON.stringify({ pid: dead, host: hostname(), createdAt: Date.now(), nonce: 'dead' }));
    verdictsAtLink.length = 0;
    const held = await lockAt().acquire();
    expect(held.brokeStale).toBe(true);
    expect(verdictsAtLink).toEqual([
      { file: '.break', stale: false },
      { file: '.lock', stale: false },
    ]);
    await held.release();
  });

  it('until it is unlinked by release', async () => {
    const held = await lockAt().acquire();
    const releasing = held.release();
    // release() has started (its synchronous part ran); the file is still there.
    const verdict = isStale(seenNow(join(dir, 'tokens.json.lock')), 30_000);
    await releasing;
    expect(verdict).toBe(false);
  });
});
