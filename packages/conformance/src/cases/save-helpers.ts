import type { TokenStore } from '@tokenstore/core/store-kit';
import { recordOf } from '../assertions.js';
import type { CaseContext } from '../conformance-case.js';

/** Saves racing in the concurrency cases. */
export const CONCURRENCY = 20;
/** Rounds of the adopt race: each round races two users' saves for one fresh unbound record. */
export const ADOPT_ROUNDS = 10;

/** Runs `count` saves at once, spread over `stores` round-robin; all must resolve. */
export async function concurrently(t: CaseContext, stores: TokenStore[], count: number, make: (i: number) => Parameters<TokenStore['saveToken']>[0]) {
  const results = await Promise.allSettled(
    Array.from({ length: count }, (_, i) => (stores[i % stores.length] as TokenStore).saveToken(make(i))),
  );
  const failed = results.flatMap((r, i) => (r.status === 'rejected' ? [`#${i}: ${(r.reason as Error)?.message ?? String(r.reason)}`] : []));
  t.expect(failed, `every one of ${count} concurrent saves must resolve`).toEqual([]);
  return results.map((r, i) => recordOf(t.expect, (r as PromiseFulfilledResult<unknown>).value, `concurrent save #${i}`));
}

/** The store, and a peer instance on the same data when the options give one. */
export async function instances(t: CaseContext): Promise<TokenStore[]> {
  return t.hasPeer ? [t.store, await t.peer()] : [t.store];
}
