import { inspect } from 'node:util';
import { OAuthToken, type RefreshLock, type TokenStore } from '@tokenstore/core';
import { expect, it } from 'vitest';
import { closedPort } from './closed-port.js';
import { rejection } from './rejections.js';
import { uniqueName } from './unique-name.js';

type PooledStore = TokenStore & { readonly lock: RefreshLock; migrate(): Promise<unknown>; close(): Promise<void> };

export interface PoolLifecycleOptions<S extends PooledStore> {
  /** The test server's URL. */
  readonly url: string;
  /** A store (closed by the test file's cleanup) on `table`, creating its own pool from `url`. */
  open(table: string, url?: string): S;
  /** Asserts that the pool the store created has been ended. */
  expectPoolEnded(store: S): Promise<void> | void;
  /** The store's value-free driver error class, the `cause` of its TokenStoreErrors. */
  readonly driverError: abstract new (...args: never[]) => Error;
  /** The server's refusal of a wrong password: its code, as the title names it, and what the cause holds. */
  readonly authFailure: { readonly code: string; readonly cause: Record<string, unknown> };
  /** The driver's name for a pool's connection limit, as the title names it (`max`). */
  readonly poolLimitName: string;
  /** A store on `table` over a pool of the app's own, of at most `limit` connections. */
  onAppPool(table: string, limit: number): AppPool<S>;
}

/** An app's pool with a store on it, for the pool reuse test. */
export interface AppPool<S> {
  readonly store: S;
  /** Connections the pool has opened so far. */
  connects(): number;
  /** More checks once the load has run (e.g. the server's own count of connections). */
  afterLoad?(): Promise<void>;
  /** Asserts the pool still serves (the store's `close()` must leave an app's pool open). */
  expectOpen(): Promise<void>;
  /** Ends the pool (and drops the table). */
  end(): Promise<void>;
}

/**
 * A database store's pools: an app's pool, reused under load and left open by `close()`; and the
 * store's own pool over its life: closing, a server that cannot be reached, and a server that refuses
 * the credentials. No error may carry a secret or the password.
 */
export function poolLifecycleTests<S extends PooledStore>(options: PoolLifecycleOptions<S>): void {
  it(`reuse pooled connections: hundreds of operations open at most ${options.poolLimitName} connections`, async () => {
    const app = options.onAppPool(uniqueName('pool'), 3);
    const { store } = app;
    try {
      for (let round = 0; round < 20; round++) {
        await Promise.all(
          Array.from({ length: 10 }, async (_, i) => {
            const saved = await store.saveToken(new OAuthToken({ userSignature: { name: `user-${i}` }, accessToken: `a-${round}` }));
            await store.findToken(new OAuthToken({ accessToken: `a-${round}` }));
            await store.findTokenById(saved.id as string);
          }),
        );
      }
      expect(await store.getTokens()).toHaveLength(10);
      expect(app.connects()).toBeGreaterThan(0);
      expect(app.connects()).toBeLessThanOrEqual(3);
      await app.afterLoad?.();
    } finally {
      await store.close();
      // close() left the app's pool open.
      await app.expectOpen();
      await app.end();
    }
  });

  it('close() is idempotent, ends only the pool the store created, and later calls fail with STORE_CLOSED', async () => {
    const store = options.open(uniqueName('close'));
    await store.getTokens();
    await Promise.all([store.close(), store.close()]);
    await store.close();
    await options.expectPoolEnded(store);
    const calls = [store.getTokens(), store.findTokenById('x'), store.saveToken(new OAuthToken({ accessToken: 'a' })), store.migrate(), store.lock.acquire('k', 'o', 1000)];
    for (const settled of await Promise.allSettled(calls)) {
      expect(settled).toMatchObject({ status: 'rejected', reason: { code: 'STORE_CLOSED' } });
    }
  });

  it('fail with STORE_UNAVAILABLE, quickly and without a secret, when the server is unreachable', async () => {
    const port = await closedPort();
    const url = new URL(options.url);
    url.port = String(port);
    const store = options.open(uniqueName('down'), url.toString());
    const token = new OAuthToken({ userSignature: { name: 'u' }, clientId: 'c', clientSecret: 'CLIENT-SECRET-1', refreshToken: 'REFRESH-SECRET-1', accessToken: 'ACCESS-SECRET-1' });
    const started = Date.now();
    const calls = [store.findToken(token), store.findTokenById('x'), store.saveToken(token), store.deleteToken('x'), store.getTokens(), store.deleteTokens(), store.migrate(), store.lock.acquire('k', 'o', 1000), store.lock.release('k', 'o')];
    for (const call of calls) call.catch(() => {}); // all rejections are awaited below, one by one
    for (const call of calls) {
      const error = await rejection(call);
      expect(error.code).toBe('STORE_UNAVAILABLE');
      expect(error.message).toContain('ECONNREFUSED');
      expect(error.cause).toBeInstanceOf(options.driverError);
      expect((error.cause as { code?: unknown }).code).toBe('ECONNREFUSED');
      const printed = inspect(error, { depth: 10 });
      for (const secret of ['CLIENT-SECRET-1', 'REFRESH-SECRET-1', 'ACCESS-SECRET-1', 'tokenstore:tokenstore']) expect(printed).not.toContain(secret);
    }
    // Connection refused is immediate: no call waited for the 10 s connect timeout.
    expect(Date.now() - started).toBeLessThan(10_000);
  });

  it(`report bad credentials as STORE_FAILURE (${options.authFailure.code}) without the password`, async () => {
    const url = new URL(options.url);
    url.password = 'WRONG-PASSWORD-xyz';
    const store = options.open(uniqueName('auth'), url.toString());
    const error = await rejection(store.getTokens());
    expect(error.code).toBe('STORE_FAILURE');
    expect(error.cause).toMatchObject(options.authFailure.cause);
    expect(inspect(error, { depth: 10 })).not.toContain('WRONG-PASSWORD-xyz');
  });
}
