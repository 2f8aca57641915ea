import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, unlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { inspect } from 'node:util';
import { threadId } from 'node:worker_threads';
import { OAuthToken } from '@tokenstore/core';
import { leaseBasicsTests, rejectsWith } from '@tokenstore/store-testkit';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FileStore, FORMAT, FORMAT_VERSION, type FileStoreOptions } from '../src/index.js';
import { tempDir } from './helpers.js';

let dir: string;
let cleanup: () => void;
const opened: FileStore[] = [];
beforeEach(() => ({ dir, cleanup } = tempDir()));
afterEach(async () => {
  for (const s of opened.splice(0)) await s.close();
  cleanup();
});

function store(options: Partial<FileStoreOptions> = {}): FileStore {
  const s = new FileStore({ path: join(dir, 'tokens.json'), ...options });
  opened.push(s);
  return s;
}

/** A pid that certainly belongs to no process any more. */
function deadPid(): number {
  const child = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' });
  return Number(child.stdout);
}

const SECRET = 'sk-live-DO-NOT-LEAK-9c2e';
const tempFiles = (d = dir) => readdirSync(d).filter((n) => n.endsWith('.tmp'));

describe('options', () => {
  it('validates path and timings', async () => {
    await rejectsWith(() => new FileStore({} as never), 'INVALID_ARGUMENT');
    await rejectsWith(() => new FileStore({ path: '' }), 'INVALID_ARGUMENT');
    await rejectsWith(() => new FileStore({ path: 'a', lockTimeoutMs: 0 }), 'INVALID_ARGUMENT');
    await rejectsWith(() => new FileStore({ path: 'a', staleLockMs: -1 }), 'INVALID_ARGUMENT');
  });

  it('resolves a relative path against the cwd at construction', () => {
    expect(new FileStore({ path: 'rel/tokens.json' }).path).toBe(join(process.cwd(), 'rel/tokens.json'));
  });
});

describe('the file', () => {
  it('does not exist until the first write; reads of a missing file see an empty store', async () => {
    const s = store({ path: join(dir, 'a', 'b', 'tokens.json') });
    expect(await s.getTokens()).toEqual([]);
    expect(await s.findToken(new OAuthToken({ userSignature: { name: 'u' } }))).toBeNull();
    expect(existsSync(join(dir, 'a'))).toBe(false);
  });

  it('is human-readable JSON with a format version; created with mode 0600 in 0700 directories', async () => {
    const path = join(dir, 'a', 'b', 'tokens.json');
    const s = store({ path });
    const saved = await s.saveToken(new OAuthToken({ userSignature: { name: 'u' }, clientId: 'c', refreshToken: 'r', expiresAt: 1_712_345_678_901 }));
    const text = readFileSync(path, 'utf8');
    expect(JSON.parse(text)).toEqual({ format: FORMAT, version: FORMAT_VERSION, tokens: [{ id: saved.id, userName: 'u', clientId: 'c', refreshToken: 'r', expiresAt: 1_712_345_678_901 }] });
    expect(text).toContain('\n  "tokens": [\n'); // pretty-printed
    expect(statSync(path).mode & 0o777).toBe(0o600);
    expect(statSync(join(dir, 'a')).mode & 0o777).toBe(0o700);
    expect(statSync(join(dir, 'a', 'b')).mode & 0o777).toBe(0o700);
    expect(readdirSync(join(dir, 'a', 'b')).sort()).toEqual(['tokens.json']); // no temp or lock file left
  });

  it('replaces the file (new inode) on every write: readers never see a partial file', async () => {
    const s = store();
    await s.saveToken(new OAuthToken({ userSignature: { name: 'u' }, accessToken: 'a' }));
    const before = statSync(s.path).ino;
    await s.saveToken(new OAuthToken({ userSignature: { name: 'u' }, accessToken: 'b' }));
    expect(statSync(s.path).ino).not.toBe(before);
  });

  it('makes an existing file 0600 on the next write', async () => {
    const s = store();
    writeFileSync(s.path, JSON.stringify({ format: FORMAT, version: 1, tokens: [] }), { mode: 0o644 });
    await s.saveToken(new OAuthToken({ accessToken: 'a' }));
    expect(statSync(s.path).mode & 0o777).toBe(0o600);
  });

  it('round-trips values byte for byte', async () => {
    // NUL and lone surrogates are refused by core before any write (one string rule for every store).
    const values = ["it's", 'say "hi"', 'back\\slash', '100%_done', '{"json":[1,2]}', 'Ünïcödé 🔑 中文', 'x'.repeat(8192), '\r\n\t', '</script>', '\u2028\u2029'];
    const s = store();
    const ids: string[] = [];
    for (const [i, v] of values.entries()) {
      ids.push((await s.saveToken(new OAuthToken({ userSignature: { name: `${v}#${i}` }, clientId: v, clientSecret: v, grantToken: v, refreshToken: v, accessToken: v, redirectUrl: v, apiDomain: v, tokenType: v, scope: v, expiresAt: 8_640_000_000_000_000 - i }))).id!);
    }
    const again = store();
    for (const [i, v] of values.entries()) {
      expect((await again.findTokenById(ids[i]!))?.toRecord()).toEqual({ id: ids[i], userName: `${v}#${i}`, clientId: v, clientSecret: v, grantToken: v, refreshToken: v, accessToken: v, redirectUrl: v, apiDomain: v, tokenType: v, scope: v, expiresAt: 8_640_000_000_000_000 - i });
    }
  });
});

describe('a corrupt file', () => {
  const cases: Record<string, string | Buffer> = {
    'invalid JSON': `{"format":"tokenstore-file","version":1,"tokens":[{"id":"a","accessToken":"${SECRET}"`,
    'an empty file': '',
    'another JSON document': '[1,2,3]',
    'a foreign format': JSON.stringify({ tokens: [] }),
    'a newer version': JSON.stringify({ format: FORMAT, version: FORMAT_VERSION + 1, tokens: [] }),
    'a duplicate id': JSON.stringify({ format: FORMAT, version: 1, tokens: [{ id: 'a', accessToken: SECRET }, { id: 'a' }] }),
    'a duplicate user': JSON.stringify({ format: FORMAT, version: 1, tokens: [{ id: 'a', userName: 'u' }, { id: 'b', userName: 'u' }] }),
    'a token without id': JSON.stringify({ format: FORMAT, version: 1, tokens: [{ accessToken: SECRET }] }),
    'a mistyped field': JSON.stringify({ format: FORMAT, version: 1, tokens: [{ id: 'a', accessToken: 42 }] }),
    'a fractional expiry': JSON.stringify({ format: FORMAT, version: 1, tokens: [{ id: 'a', expiresAt: 1.5 }] }),
    // The file stores expiresAt as a JSON number: a numeric string is a hand edit, never coerced.
    'a padded numeric string expiry': JSON.stringify({ format: FORMAT, version: 1, tokens: [{ id: 'a', expiresAt: ' 42 ' }] }),
    'a negative numeric string expiry': JSON.stringify({ format: FORMAT, version: 1, tokens: [{ id: 'a', expiresAt: '-5' }] }),
    'a numeric string expiry': JSON.stringify({ format: FORMAT, version: 1, tokens: [{ id: 'a', expiresAt: '1712345678901' }] }),
    'an escaped lone surrogate': `{"format":"${FORMAT}","version":1,"tokens":[{"id":"a","accessToken":"${SECRET}\\ud800"}]}`,
    'an escaped NUL': `{"format":"${FORMAT}","version":1,"tokens":[{"id":"a","userName":"u\\u0000"}]}`,
    'bytes that are not UTF-8': Buffer.from([0x7b, 0xff, 0xfe, 0x7d]),
  };
  for (const [name, content] of Object.entries(cases)) {
    it(`(${name}) fails reads and writes with STORE_CORRUPT naming the path, and is never overwritten`, async () => {
      const s = store();
      writeFileSync(s.path, content);
      const before = readFileSync(s.path);
      for (const attempt of [() => s.getTokens(), () => s.findTokenById('a'), () => s.saveToken(new OAuthToken({ accessToken: 'new' })), () => s.deleteTokens(), () => s.deleteToken('a')]) {
        const error = await rejectsWith(attempt, 'STORE_CORRUPT');
        expect(error.message).toContain(s.path);
        expect(`${error.message} ${inspect(error, { depth: 5 })}`).not.toContain(SECRET);
      }
      expect(readFileSync(s.path).equals(before)).toBe(true);
      expect(tempFiles()).toEqual([]);
    });
  }

  it('names the field in the message: a numeric string expiry is reported, not coerced', async () => {
    const s = store();
    writeFileSync(s.path, JSON.stringify({ format: FORMAT, version: 1, tokens: [{ id: 'a', expiresAt: ' 42 ' }] }));
    const error = await rejectsWith(s.getTokens(), 'STORE_CORRUPT');
    expect(error.message).toContain('token #0');
    expect(error.message).toContain('"expiresAt" must be an integer number');
  });

  it('is served again once a human repairs it', async () => {
    const s = store();
    writeFileSync(s.path, 'oops');
    await rejectsWith(s.getTokens(), 'STORE_CORRUPT');
    writeFileSync(s.path, JSON.stringify({ format: FORMAT, version: 1, tokens: [{ id: 'fixed', userName: 'u' }] }));
    expect((await s.getTokens()).map((t) => t.id)).toEqual(['fixed']);
  });
});

describe('reads from memory, reloaded when the file changes', () => {
  it('sees writes of another instance (and of a hand edit) immediately', async () => {
    const a = store();
    const b = store();
    expect(await b.getTokens()).toEqual([]);
    const saved = await a.saveToken(new OAuthToken({ userSignature: { name: 'u' }, accessToken: 'one' }));
    expect((await b.findTokenById(saved.id!))?.accessToken).toBe('one');
    await b.saveToken(new OAuthToken({ userSignature: { name: 'u' }, accessToken: 'two' })); // same size as 'one'
    expect((await a.findTokenById(saved.id!))?.accessToken).toBe('two');
    const doc = JSON.parse(readFileSync(a.path, 'utf8'));
    doc.tokens[0].accessToken = 'six';
    writeFileSync(a.path, JSON.stringify(doc)); // in place: same inode
    expect((await a.findTokenById(saved.id!))?.accessToken).toBe('six');
    await a.deleteTokens();
    expect(await b.getTokens()).toEqual([]);
  });

  it('sees a same-size in-place edit even when the mtime is set back (content is compared in the racy window)', async () => {
    const a = store();
    const saved = await a.saveToken(new OAuthToken({ userSignature: { name: 'u' }, accessToken: 'one' }));
    expect((await a.findTokenById(saved.id!))?.accessToken).toBe('one');
    const { mtime, atime } = statSync(a.path);
    writeFileSync(a.path, readFileSync(a.path, 'utf8').replace('"one"', '"two"'));
    utimesSync(a.path, atime, mtime);
    expect((await a.findTokenById(saved.id!))?.accessToken).toBe('two');
  });

  it('sees a file that appears or disappears', async () => {
    const a = store();
    expect(await a.getTokens()).toEqual([]);
    writeFileSync(a.path, JSON.stringify({ format: FORMAT, version: 1, tokens: [{ id: 'x', userName: 'u' }] }));
    expect((await a.getTokens()).map((t) => t.id)).toEqual(['x']);
    unlinkSync(a.path);
    expect(await a.getTokens()).toEqual([]);
  });
});

describe('the lock file', () => {
  /** The holder record a LockFile in the main thread of `pid` writes (Linux: with its start time). */
  function holderOf(pid: number): Record<string, unknown> {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const start = stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19];
    const boot = readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim();
    return { pid, host: hostname(), createdAt: Date.now(), nonce: `n-${pid}`, thread: 0, tid: pid, start, boot };
  }

  async function waitForStat(pid: number) {
    while (!existsSync(`/proc/${pid}/stat`)) await new Promise((r) => setTimeout(r, 5));
  }

  function writeLock(path: string, holder: Record<string, unknown> | string, ageMs = 0) {
    writeFileSync(`${path}.lock`, typeof holder === 'string' ? holder : JSON.stringify(holder));
    if (ageMs) {
      const t = new Date(Date.now() - ageMs);
      utimesSync(`${path}.lock`, t, t);
    }
  }

  it('a lock left by a dead process is broken at once', async () => {
    const s = store();
    writeLock(s.path, { pid: deadPid(), host: hostname(), createdAt: Date.now(), nonce: 'dead' });
    await s.saveToken(new OAuthToken({ userSignature: { name: 'u' }, accessToken: 'a' }));
    expect(existsSync(`${s.path}.lock`)).toBe(false);
    expect(await s.getTokens()).toHaveLength(1);
  });

  it('a lock held by a live process makes writes wait, then fail with STORE_UNAVAILABLE; the file is untouched', async () => {
    const s = store({ lockTimeoutMs: 300 });
    await s.saveToken(new OAuthToken({ userSignature: { name: 'u' }, accessToken: 'a' }));
    const before = readFileSync(s.path);
    const holder = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 30000)'], { stdio: 'ignore' });
    try {
      writeLock(s.path, { pid: holder.pid, host: hostname(), createdAt: Date.now(), nonce: 'live' });
      const started = Date.now();
      const error = await rejectsWith(s.saveToken(new OAuthToken({ userSignature: { name: 'u' }, accessToken: SECRET })), 'STORE_UNAVAILABLE');
      expect(Date.now() - started).toBeGreaterThanOrEqual(300);
      expect(error.message).toContain(`${s.path}.lock`);
      expect(error.message).toContain(`pid ${holder.pid}`);
      expect(error.message).not.toContain(SECRET);
      expect(readFileSync(s.path).equals(before)).toBe(true);
      // Reads do not take the lock.
      expect((await s.getTokens())[0]?.accessToken).toBe('a');
    } finally {
      holder.kill('SIGKILL');
    }
  });

  it('a live holder is waited for however old its lock and its heartbeat; then STORE_UNAVAILABLE', async () => {
    const s = store({ staleLockMs: 100, lockTimeoutMs: 400 });
    const holder = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 30000)'], { stdio: 'ignore' });
    try {
      await waitForStat(holder.pid!);
      writeLock(s.path, { ...holderOf(holder.pid!), createdAt: Date.now() - 60_000 }, 60_000);
      await rejectsWith(s.saveToken(new OAuthToken({ accessToken: 'a' })), 'STORE_UNAVAILABLE');
      expect(existsSync(`${s.path}.lock`)).toBe(true);
    } finally {
      holder.kill('SIGKILL');
    }
  });

  it('a lock whose pid now names another process (other start time: pid reuse) is broken at once', async () => {
    const s = store({ lockTimeoutMs: 5_000 });
    writeLock(s.path, { ...holderOf(process.ppid), start: '1' });
    await s.saveToken(new OAuthToken({ accessToken: 'a' }));
    expect(existsSync(`${s.path}.lock`)).toBe(false);
  });

  it('a lock from before a reboot (other boot id) is broken at once', async () => {
    const s = store({ lockTimeoutMs: 5_000 });
    writeLock(s.path, { ...holderOf(process.ppid), boot: 'another-boot' });
    await s.saveToken(new OAuthToken({ accessToken: 'a' }));
  });

  it('a lock of a thread of this process that is gone (tid no longer a task of ours) is broken at once', async () => {
    const s = store({ lockTimeoutMs: 5_000 });
    writeLock(s.path, { ...holderOf(process.pid), thread: 999_999, tid: deadPid() });
    await s.saveToken(new OAuthToken({ accessToken: 'a' }));
  });

  it('a lock whose holder this host cannot check (older format: no start time) is stale after staleLockMs without heartbeat', async () => {
    const s = store({ staleLockMs: 1000, lockTimeoutMs: 200 });
    writeLock(s.path, { pid: process.ppid, host: hostname(), createdAt: Date.now(), nonce: 'old-format' });
    await rejectsWith(s.saveToken(new OAuthToken({ accessToken: 'a' })), 'STORE_UNAVAILABLE');
    writeLock(s.path, { pid: process.ppid, host: hostname(), createdAt: Date.now(), nonce: 'old-format' }, 5000);
    await s.saveToken(new OAuthToken({ accessToken: 'a' }));
  });

  it('a lock from another pid namespace (a container with the same host name) is judged by its heartbeat', async () => {
    const s = store({ staleLockMs: 1000, lockTimeoutMs: 200 });
    // The pid is dead here, but in its own namespace it may be a live holder.
    writeLock(s.path, { ...holderOf(process.pid), pid: deadPid(), tid: undefined, ns: 'pid:[1]' });
    await rejectsWith(s.saveToken(new OAuthToken({ accessToken: 'a' })), 'STORE_UNAVAILABLE');
    writeLock(s.path, { ...holderOf(process.pid), pid: deadPid(), tid: undefined, ns: 'pid:[1]' }, 5000);
    await s.saveToken(new OAuthToken({ accessToken: 'a' }));
  });

  it('a lock from another host is judged by its heartbeat (mtime) only', async () => {
    const s = store({ staleLockMs: 1000, lockTimeoutMs: 200 });
    writeLock(s.path, { pid: deadPid(), host: `not-${hostname()}`, createdAt: Date.now() - 60_000, nonce: 'remote' });
    await rejectsWith(s.saveToken(new OAuthToken({ accessToken: 'a' })), 'STORE_UNAVAILABLE');
    writeLock(s.path, { pid: deadPid(), host: `not-${hostname()}`, createdAt: Date.now(), nonce: 'remote' }, 5000);
    await s.saveToken(new OAuthToken({ accessToken: 'a' }));
  });

  it('an unreadable lock file counts as stale once older than staleLockMs', async () => {
    const s = store({ staleLockMs: 1000, lockTimeoutMs: 200 });
    writeLock(s.path, 'garbage');
    await rejectsWith(s.saveToken(new OAuthToken({ accessToken: 'a' })), 'STORE_UNAVAILABLE');
    writeLock(s.path, 'garbage', 5000);
    await s.saveToken(new OAuthToken({ accessToken: 'a' }));
  });

  it('a lock this thread leaked (this pid and thread, a nonce it does not hold) is broken', async () => {
    const s = store({ lockTimeoutMs: 200 });
    writeLock(s.path, { ...holderOf(process.pid), thread: threadId, nonce: 'leaked' });
    await s.saveToken(new OAuthToken({ accessToken: 'a' }));
  });

  it('temp files of writers that died are swept; those of live processes are kept', async () => {
    mkdirSync(dir, { recursive: true });
    const dead = join(dir, `.tokens.json.${deadPid()}.abcdef.tmp`);
    const deadLockTemp = join(dir, `.tokens.json.lock.${deadPid()}.abcdef.tmp`);
    const live = join(dir, `.tokens.json.${process.ppid}.abcdef.tmp`);
    const unrelated = join(dir, '.other.json.1.abcdef.tmp');
    for (const f of [dead, deadLockTemp, live, unrelated]) writeFileSync(f, 'partial');
    const s = store();
    await s.saveToken(new OAuthToken({ accessToken: 'a' }));
    expect(existsSync(dead)).toBe(false);
    expect(existsSync(deadLockTemp)).toBe(false);
    expect(existsSync(live)).toBe(true);
    expect(existsSync(unrelated)).toBe(true);
  });
});

describe('lock (lease files)', () => {
  leaseBasicsTests(store);

  it('keeps one file per key, named by a hash (keys never appear in clear), in a 0700 directory', async () => {
    const s = store();
    await s.lock!.acquire('user@example.com/../../etc', 'o1', 60_000);
    const leases = `${s.path}.leases`;
    expect(statSync(leases).mode & 0o777).toBe(0o700);
    const [file, ...rest] = readdirSync(leases);
    expect(rest).toEqual([]);
    expect(file).toMatch(/^[0-9a-f]{64}\.json$/);
    expect(JSON.parse(readFileSync(join(leases, file!), 'utf8'))).toEqual({ owner: 'o1', expiresAt: expect.any(Number) });
    await s.lock!.release('user@example.com/../../etc', 'o1');
    expect(readdirSync(leases)).toEqual([]);
  });
});

describe('in one process', () => {
  it('concurrent saves through several instances lose nothing and keep one record per user', async () => {
    const a = store();
    const b = store();
    await Promise.all(Array.from({ length: 40 }, (_, i) => (i % 2 ? a : b).saveToken(new OAuthToken({ userSignature: { name: `u${i}` }, accessToken: `t${i}` }))));
    expect((await a.getTokens()).map((t) => t.userSignature?.name).sort()).toEqual(Array.from({ length: 40 }, (_, i) => `u${i}`).sort());
    const racers = await Promise.all(Array.from({ length: 10 }, (_, i) => (i % 2 ? a : b).saveToken(new OAuthToken({ userSignature: { name: 'racer' }, accessToken: `r${i}` }))));
    expect(new Set(racers.map((t) => t.id)).size).toBe(1);
    expect((await b.getTokens()).filter((t) => t.userSignature?.name === 'racer')).toHaveLength(1);
  });

  it('close is idempotent; afterwards operations fail with STORE_CLOSED', async () => {
    const s = store();
    await s.close();
    await s.close();
    await rejectsWith(s.getTokens(), 'STORE_CLOSED');
    await rejectsWith(() => s.lock!.acquire('k', 'o', 1000), 'STORE_CLOSED');
  });
});

describe('file system errors', () => {
  it('a path whose parent is a file: INVALID_ARGUMENT', async () => {
    writeFileSync(join(dir, 'plain'), 'x');
    const s = store({ path: join(dir, 'plain', 'tokens.json') });
    await rejectsWith(s.saveToken(new OAuthToken({ accessToken: 'a' })), 'INVALID_ARGUMENT');
    await rejectsWith(s.getTokens(), 'INVALID_ARGUMENT');
  });

  it('a path that is a directory: INVALID_ARGUMENT', async () => {
    mkdirSync(join(dir, 'isdir'));
    const s = store({ path: join(dir, 'isdir') });
    await rejectsWith(s.getTokens(), 'INVALID_ARGUMENT');
  });
});
