/**
 * The seam between the kit (RecordTokenStore) and a store's RecordBackend: replace always carries the
 * owner check, the kit runs the backend's first-use setup once and owns the closed state, and
 * getTokens() lists records in one order whatever the backend's natural order is.
 */
import { execFileSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { MemoryStore } from '../src/index.js';
import { OAuthToken, RecordTokenStore, TokenStoreError, emptyRecord, type RefreshLock, type TokenRecord } from '../src/store-kit.js';
import { turn } from './helpers/manual-clock.js';
import { MapBackend } from './helpers/map-backend.js';

const here = dirname(fileURLToPath(import.meta.url));
const tsc = join(here, '..', '..', '..', 'node_modules', '.bin', 'tsc');

function compile(fixture: string): { ok: boolean; output: string } {
  const args = ['--ignoreConfig', '--noEmit', '--strict', '--module', 'nodenext', '--moduleResolution', 'nodenext', '--target', 'es2022', '--skipLibCheck', '--types', 'node', join(here, 'fixtures', fixture)];
  try {
    return { ok: true, output: execFileSync(tsc, args, { cwd: join(here, '..'), encoding: 'utf8' }) };
  } catch (error) {
    return { ok: false, output: String((error as { stdout?: string }).stdout ?? error) };
  }
}

/** A deferred promise: a setup the test finishes (or fails) when it wants. */
function deferred(): { promise: Promise<void>; resolve: () => void; reject: (error: Error) => void } {
  let resolve!: () => void;
  let reject!: (error: Error) => void;
  const promise = new Promise<void>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  // Handled here so a rejection no setup awaits yet is not reported as unhandled; awaiters still see it.
  promise.catch(() => undefined);
  return { promise, resolve, reject };
}

/** A backend whose setup and close are observable, and whose setup the test controls. */
class SetupBackend extends MapBackend {
  readonly events: string[] = [];
  setups = 0;
  /** Each setup call takes the next entry; none left: it succeeds at once. */
  readonly pending: ReturnType<typeof deferred>[] = [];
  readonly lock: RefreshLock = {
    acquire: async () => {
      this.events.push('acquire');
      return true;
    },
    release: async () => void this.events.push('release'),
  };

  async setup(): Promise<void> {
    this.setups++;
    this.events.push('setup');
    await this.pending.shift()?.promise;
    this.events.push('setup done');
  }

  protected override lookedUp(): void {
    this.events.push('find');
  }

  async insert(record: TokenRecord): Promise<void> {
    this.records.set(record.id as string, { ...record });
  }

  async replace(id: string, record: TokenRecord, expectedUserName: string | null): Promise<boolean> {
    if (this.records.get(id)?.userName !== expectedUserName) return false;
    this.records.set(id, { ...record, id });
    return true;
  }

  async close(): Promise<void> {
    this.events.push('close');
  }
}

/** A store exposing the kit's explicit setup, as PostgresStore.migrate() and MongoStore.ensureIndexes() do. */
class SetupStore extends RecordTokenStore {
  readonly backend: SetupBackend;
  constructor(backend = new SetupBackend()) {
    super(backend, 'SetupStore');
    this.backend = backend;
  }
  migrate(): Promise<string> {
    return this.setUpNow('migrate', async () => {
      this.backend.events.push('explicit');
      return 'migrated';
    });
  }
}

const probe = new OAuthToken({ id: 'id-1' });

describe('RecordBackend.replace: the owner check is part of the type', () => {
  it('a replace without expectedUserName does not compile; with a user name or null it does', () => {
    const unchecked = compile('replace-without-owner.ts');
    expect(unchecked.ok).toBe(false);
    expect(unchecked.output).toMatch(/replace-without-owner\.ts.*error TS2554: Expected 3 arguments, but got 2/);
    const checked = compile('replace-with-owner.ts');
    expect(checked.output).toBe('');
    expect(checked.ok).toBe(true);
  }, 60_000);
});

describe('RecordTokenStore: first-use setup', () => {
  it('runs the setup once, before the first operation, and never again', async () => {
    const store = new SetupStore();
    expect(store.backend.setups).toBe(0);
    await store.findTokenById('id-1');
    await store.getTokens();
    await store.saveToken(new OAuthToken({ userSignature: { name: 'alice' }, accessToken: 'at' }));
    expect(store.backend.setups).toBe(1);
    expect(store.backend.events.slice(0, 3)).toEqual(['setup', 'setup done', 'find']);
  });

  it('concurrent first calls share one setup and all wait for it', async () => {
    const store = new SetupStore();
    const gate = deferred();
    store.backend.pending.push(gate);
    const calls = [store.findToken(probe), store.findTokenById('id-1'), store.getTokens(), store.lock?.acquire('k', 'o', 1000)];
    await turn();
    expect(store.backend.events).toEqual(['setup']);
    gate.resolve();
    await Promise.all(calls);
    expect(store.backend.setups).toBe(1);
    expect(store.backend.events.indexOf('setup done')).toBeLessThan(store.backend.events.indexOf('find'));
    expect(store.backend.events).toContain('acquire');
  });

  it('lock operations run the setup first too (a lease table is part of it)', async () => {
    const store = new SetupStore();
    await store.lock?.acquire('k', 'o', 1000);
    expect(store.backend.events).toEqual(['setup', 'setup done', 'acquire']);
  });

  it('a failed setup fails the calls waiting for it and is retried by the next call, not cached', async () => {
    const store = new SetupStore();
    const failing = deferred();
    store.backend.pending.push(failing);
    const first = store.findTokenById('id-1');
    const second = store.getTokens();
    failing.reject(new TokenStoreError('STORE_UNAVAILABLE', 'server down'));
    await expect(first).rejects.toMatchObject({ code: 'STORE_UNAVAILABLE' });
    await expect(second).rejects.toMatchObject({ code: 'STORE_UNAVAILABLE' });
    expect(store.backend.setups).toBe(1);
    await expect(store.findTokenById('id-1')).resolves.toBeNull();
    expect(store.backend.setups).toBe(2);
  });

  it("a setup's driver error is mapped like any operation's (toStoreError, else STORE_FAILURE)", async () => {
    const store = new SetupStore();
    const failing = deferred();
    store.backend.pending.push(failing);
    failing.reject(new Error('ECONNREFUSED'));
    await expect(store.getTokens()).rejects.toMatchObject({ code: 'STORE_FAILURE', message: 'SetupStore: getTokens failed' });
  });

  it("an explicit setup (a store's migrate()) counts as the first-use setup once it succeeded", async () => {
    const store = new SetupStore();
    await expect(store.migrate()).resolves.toBe('migrated');
    await store.findTokenById('id-1');
    expect(store.backend.setups).toBe(0);
    expect(store.backend.events).toEqual(['explicit', 'find']);
  });

  it('diagnose() reports on the store as it is: it does not run the setup (a migration) it reports on', async () => {
    const backend = new SetupBackend();
    Object.assign(backend, { diagnose: async () => ({}) });
    const store = new SetupStore(backend);
    await expect(store.diagnose()).resolves.toEqual({ store: 'SetupStore' });
    expect(backend.setups).toBe(0);
    await store.close();
    await expect(store.diagnose()).rejects.toMatchObject({ code: 'STORE_CLOSED' });
  });

  it('an explicit setup after close() is STORE_CLOSED and runs nothing', async () => {
    const store = new SetupStore();
    await store.close();
    await expect(store.migrate()).rejects.toMatchObject({ code: 'STORE_CLOSED' });
    expect(store.backend.events).toEqual(['close']);
  });
});

describe('RecordTokenStore: close() owns the closed state', () => {
  it('close() before any operation closes the backend without setting it up', async () => {
    const store = new SetupStore();
    await store.close();
    await store.close();
    expect(store.backend.events).toEqual(['close']);
    await expect(store.getTokens()).rejects.toMatchObject({ code: 'STORE_CLOSED' });
    await expect(store.lock?.acquire('k', 'o', 1000)).rejects.toMatchObject({ code: 'STORE_CLOSED' });
    expect(store.backend.setups).toBe(0);
  });

  it('close() during setup waits for it to settle before closing the backend; the waiting calls get STORE_CLOSED', async () => {
    const store = new SetupStore();
    const gate = deferred();
    store.backend.pending.push(gate);
    const waiting = store.findTokenById('id-1');
    await turn();
    const closing = store.close();
    await turn();
    // The backend is not closed under a running setup (a connect finishing after close would leak).
    expect(store.backend.events).toEqual(['setup']);
    gate.resolve();
    await closing;
    expect(store.backend.events).toEqual(['setup', 'setup done', 'close']);
    await expect(waiting).rejects.toMatchObject({ code: 'STORE_CLOSED' });
    expect(store.backend.events).not.toContain('find');
  });

  it('close() during a setup that fails still closes the backend, once, and nothing retries the setup', async () => {
    const store = new SetupStore();
    const gate = deferred();
    store.backend.pending.push(gate);
    const waiting = store.getTokens();
    await turn();
    const closing = store.close();
    gate.reject(new TokenStoreError('STORE_UNAVAILABLE', 'server down'));
    await expect(closing).resolves.toBeUndefined();
    await expect(waiting).rejects.toMatchObject({ code: 'STORE_CLOSED' });
    await expect(store.getTokens()).rejects.toMatchObject({ code: 'STORE_CLOSED' });
    expect(store.backend.setups).toBe(1);
    expect(store.backend.events.filter((e) => e === 'close')).toEqual(['close']);
  });
});

describe('RecordTokenStore.getTokens: one order for every store', () => {
  it('lists records by id in UTF-16 code unit order, whatever order the backend lists them in', async () => {
    const backend = new SetupBackend();
    // Code unit order, neither locale nor code point order: 'B' < 'a', and a surrogate pair (0xD83D ...)
    // sorts before '\uFFFF' although its code point (U+1F600) is larger.
    const ids = ['b', 'a', 'B', '\u{1F600}', '\uFFFF', 'a1', '10', '9', 'A'];
    for (const id of ids) backend.records.set(id, { ...emptyRecord(), id, accessToken: `at-${id}` });
    const store = new RecordTokenStore(backend, 'OrderStore');
    const listed = (await store.getTokens()).map((t) => t.id);
    expect(listed).toEqual(['10', '9', 'A', 'B', 'a', 'a1', 'b', '\u{1F600}', '\uFFFF']);
  });

  it("MemoryStore lists by id too, not by last write", async () => {
    const store = new MemoryStore();
    await store.saveToken(new OAuthToken({ id: 'id-a', accessToken: 'a' }));
    await store.saveToken(new OAuthToken({ id: 'id-b', accessToken: 'b' }));
    await store.saveToken(new OAuthToken({ id: 'id-a', accessToken: 'a2' }));
    expect((await store.getTokens()).map((t) => t.id)).toEqual(['id-a', 'id-b']);
  });
});
