import type { TokenRecord, TokenStore } from '@tokenstore/core/store-kit';
import { byId, expectStoreError, expectToken, listRecords, recordOf, save } from '../assertions.js';
import type { CaseContext, ConformanceCase } from '../conformance-case.js';
import { IDENTIFIER_FIELDS, probeFor } from '../values.js';

const CONCURRENCY = 20;
/** Rounds of the adopt race: each round races two users' saves for one fresh unbound record. */
const ADOPT_ROUNDS = 10;

/** A token with every field set to a value unique to this test and this field. */
export function fullInit(t: CaseContext, tag: string) {
  const v = (field: string) => `${field}-${tag}-${t.uid}`;
  return {
    userSignature: { name: v('user') },
    clientId: v('client'),
    clientSecret: v('secret'),
    grantToken: v('grant'),
    refreshToken: v('refresh'),
    accessToken: v('access'),
    redirectUrl: `https://app.example/cb/${tag}-${t.uid}`,
    expiresAt: 1767225600123,
    apiDomain: `https://${tag}.api.example`,
    tokenType: 'Bearer',
    scope: `scope.${tag}.READ scope.${tag}.WRITE`,
  };
}

/** Runs `count` saves at once, spread over `stores` round-robin; all must resolve. */
async function concurrently(t: CaseContext, stores: TokenStore[], count: number, make: (i: number) => Parameters<TokenStore['saveToken']>[0]) {
  const results = await Promise.allSettled(
    Array.from({ length: count }, (_, i) => (stores[i % stores.length] as TokenStore).saveToken(make(i))),
  );
  const failed = results.flatMap((r, i) => (r.status === 'rejected' ? [`#${i}: ${(r.reason as Error)?.message ?? String(r.reason)}`] : []));
  t.expect(failed, `every one of ${count} concurrent saves must resolve`).toEqual([]);
  return results.map((r, i) => recordOf(t.expect, (r as PromiseFulfilledResult<unknown>).value, `concurrent save #${i}`));
}

async function instances(t: CaseContext): Promise<TokenStore[]> {
  return t.hasPeer ? [t.store, await t.peer()] : [t.store];
}

/** Strips the common prefix and suffix of `ids`; true when what is left counts up or down in fixed steps. */
export function looksSequential(ids: readonly string[]): boolean {
  if (ids.length < 3) return false;
  let prefix = 0;
  const first = ids[0] as string;
  while (prefix < first.length && ids.every((id) => id[prefix] === first[prefix])) prefix++;
  let suffix = 0;
  while (suffix < first.length - prefix && ids.every((id) => id.length - suffix - 1 >= prefix && id[id.length - suffix - 1] === first[first.length - suffix - 1])) suffix++;
  const middles = ids.map((id) => id.slice(prefix, id.length - suffix));
  for (const [pattern, radix] of [[/^[0-9]+$/, 10], [/^[0-9a-fA-F]+$/, 16]] as const) {
    if (!middles.every((m) => pattern.test(m))) continue;
    const numbers = middles.map((m) => parseInt(m, radix));
    const step = (numbers[1] as number) - (numbers[0] as number);
    if (step !== 0 && numbers.every((n, i) => i === 0 || n - (numbers[i - 1] as number) === step)) return true;
  }
  return false;
}

export const saveCases: ConformanceCase[] = [
  {
    id: 'save.returns-stored-token',
    title: 'saveToken returns the stored token: every field as given, plus a non-empty string id',
    async run(t) {
      const input = t.token(fullInit(t, 'a'));
      const saved = await save(t, input);
      t.expect(saved, 'saveToken result').toEqual({ ...input.toRecord(), id: saved.id });
      t.expect(await byId(t, saved.id as string), 'findTokenById(saved.id)').toEqual(saved);
    },
  },
  {
    id: 'save.explicit-id',
    title: 'a new token with an id is stored under that id',
    async run(t) {
      const id = `given-id-${t.uid}`;
      const input = t.token({ ...fullInit(t, 'b'), id });
      const saved = await save(t, input);
      t.expect(saved.id, 'the stored id').toBe(id);
      t.expect(await byId(t, id), 'findTokenById(given id)').toEqual(input.toRecord());
    },
  },
  {
    id: 'save.generated-id.unique',
    title: 'generated ids are unique strings (sequential and concurrent saves, also after deleteTokens)',
    async run(t) {
      const ids: string[] = [];
      for (let i = 0; i < 10; i++) ids.push((await save(t, t.token({ userSignature: { name: `seq-${i}-${t.uid}` }, accessToken: `at-seq-${i}-${t.uid}` }))).id as string);
      const concurrent = await concurrently(t, [t.store], 10, (i) => t.token({ userSignature: { name: `con-${i}-${t.uid}` }, accessToken: `at-con-${i}-${t.uid}` }));
      ids.push(...concurrent.map((r) => r.id as string));
      await t.store.deleteTokens();
      for (let i = 0; i < 5; i++) ids.push((await save(t, t.token({ userSignature: { name: `after-${i}-${t.uid}` } }))).id as string);
      for (const id of ids) t.expect(typeof id, 'a generated id').toBe('string');
      t.expect(new Set(ids).size, `${ids.length} saves of different users must get ${ids.length} different ids`).toBe(ids.length);
    },
  },
  {
    id: 'save.generated-id.not-sequential',
    title: 'generated ids are not guessable from each other (no counter, no max(id)+1)',
    async run(t) {
      const ids: string[] = [];
      for (let i = 0; i < 20; i++) ids.push((await save(t, t.token({ userSignature: { name: `u${i}-${t.uid}` } }))).id as string);
      t.expect(looksSequential(ids), `generated ids count up in fixed steps: ${ids.slice(0, 4).join(', ')}, ...`).toBe(false);
    },
  },
  {
    id: 'save.upsert.replaces-fields',
    title: 'saving a token that matches a record keeps the record id and replaces every field (absent fields are cleared)',
    async run(t) {
      const first = await save(t, t.token(fullInit(t, 'old')));
      const other = await save(t, t.token(fullInit(t, 'other')));
      const user = `user-old-${t.uid}`;
      const update = t.token({ userSignature: { name: user }, clientId: `client-new-${t.uid}`, refreshToken: `refresh-new-${t.uid}`, accessToken: `access-new-${t.uid}`, expiresAt: 1767225601456 });
      const saved = await save(t, update);
      t.expect(saved.id, 'the matched record keeps its id').toBe(first.id);
      const expected: TokenRecord = { ...update.toRecord(), id: first.id };
      t.expect(saved, 'saveToken result').toEqual(expected);
      t.expect(await byId(t, first.id as string), 'the updated record (fields missing from the update are cleared)').toEqual(expected);
      t.expect(await byId(t, other.id as string), 'the other record').toEqual(other);
      t.expect((await listRecords(t)).length, 'record count').toBe(2);
    },
  },
  {
    id: 'save.upsert.by-each-identifier',
    title: 'upsert finds the record to replace through each identifier (id, user name, grant, refresh, access token)',
    async run(t) {
      const clientId = `client-${t.uid}`;
      for (const field of IDENTIFIER_FIELDS) {
        const value = `${field}-${t.uid}`;
        const seed = t.token(field === 'id' ? { id: value, clientId, scope: 'old' } : { ...probeFor(field, value, clientId), clientId, scope: 'old' });
        const stored = await save(t, seed);
        const update = t.token({ ...probeFor(field, value, clientId), clientId, scope: `new-${field}`, apiDomain: `https://${field}.example` });
        const saved = await save(t, update);
        t.expect(saved.id, `a save matched by ${field} keeps the record id`).toBe(stored.id);
        t.expect(await byId(t, stored.id as string), `the record matched by ${field}`).toEqual({ ...update.toRecord(), id: stored.id });
      }
      t.expect((await listRecords(t)).length, 'one record per identifier, no duplicates').toBe(IDENTIFIER_FIELDS.length);
    },
  },
  {
    id: 'save.upsert.follows-precedence',
    title: 'upsert replaces the record the match precedence selects (user name before refresh token)',
    async run(t) {
      const clientId = `client-${t.uid}`;
      const user = `user-${t.uid}`;
      const refreshToken = `refresh-${t.uid}`;
      const byUser = await save(t, t.token({ userSignature: { name: user }, clientId, scope: 'user-record' }));
      const byRefresh = await save(t, t.token({ clientId, refreshToken, scope: 'refresh-record' }));
      const update = t.token({ userSignature: { name: user }, clientId, refreshToken, scope: 'updated' });
      const saved = await save(t, update);
      t.expect(saved.id, 'the user-name match wins over the refresh-token match').toBe(byUser.id);
      t.expect(await byId(t, byRefresh.id as string), 'the refresh-token record is untouched').toEqual(byRefresh);
    },
  },
  {
    id: 'save.upsert.concurrent-new-user',
    title: `${CONCURRENCY} concurrent saves of one new user leave exactly one record (half on a peer instance when openPeer is given)`,
    async run(t) {
      const user = `racer-${t.uid}`;
      const stores = await instances(t);
      const results = await concurrently(t, stores, CONCURRENCY, (i) =>
        t.token({ userSignature: { name: user }, clientId: `client-${t.uid}`, refreshToken: `refresh-${t.uid}`, accessToken: `access-${i}-${t.uid}` }),
      );
      const records = (await listRecords(t)).filter((r) => r.userName === user);
      t.expect(records.length, `records for the user after ${CONCURRENCY} concurrent saves`).toBe(1);
      t.expect(new Set(results.map((r) => r.id)), 'every save returns the one record id').toEqual(new Set([records[0]?.id]));
    },
  },
  {
    id: 'save.upsert.concurrent-same-id',
    title: `${CONCURRENCY} concurrent saves with one explicit id leave exactly one record (half on a peer instance when openPeer is given)`,
    async run(t) {
      const id = `racing-id-${t.uid}`;
      const stores = await instances(t);
      const results = await concurrently(t, stores, CONCURRENCY, (i) => t.token({ id, accessToken: `access-${i}-${t.uid}` }));
      const records = (await listRecords(t)).filter((r) => r.id === id);
      t.expect(records.length, `records with the id after ${CONCURRENCY} concurrent saves`).toBe(1);
      t.expect(new Set(results.map((r) => r.id)), 'every save returns that id').toEqual(new Set([id]));
    },
  },
  {
    id: 'save.concurrent-distinct-users',
    title: `${CONCURRENCY} concurrent saves of different users give ${CONCURRENCY} records`,
    async run(t) {
      const stores = await instances(t);
      const results = await concurrently(t, stores, CONCURRENCY, (i) => t.token({ userSignature: { name: `user-${i}-${t.uid}` }, accessToken: `access-${i}-${t.uid}` }));
      t.expect(new Set(results.map((r) => r.id)).size, 'distinct ids').toBe(CONCURRENCY);
      const records = await listRecords(t);
      t.expect(records.length, 'record count').toBe(CONCURRENCY);
      for (const result of results) t.expect(await byId(t, result.id as string), 'each saved record').toEqual(result);
    },
  },
  {
    id: 'save.no-client-id-no-match',
    title: 'a save whose grant/refresh token only matches without (or with another) clientId inserts a new record',
    async run(t) {
      const clientId = `client-${t.uid}`;
      const original = await save(t, t.token({ clientId, grantToken: `grant-${t.uid}`, refreshToken: `refresh-${t.uid}`, scope: 'original' }));
      const noClient = await save(t, t.token({ grantToken: `grant-${t.uid}`, refreshToken: `refresh-${t.uid}`, scope: 'no client' }));
      const otherClient = await save(t, t.token({ clientId: `other-${t.uid}`, grantToken: `grant-${t.uid}`, refreshToken: `refresh-${t.uid}`, scope: 'other client' }));
      t.expect(new Set([original.id, noClient.id, otherClient.id]).size, 'three different records').toBe(3);
      t.expect(await byId(t, original.id as string), 'the original record is untouched').toEqual(original);
      t.expect((await listRecords(t)).length, 'record count').toBe(3);
    },
  },
  {
    id: 'save.user-binding.no-overwrite',
    title: "a save for user A never overwrites user B's record, even when its tokens match B's",
    async run(t) {
      const clientId = `client-${t.uid}`;
      const shared = { clientId, grantToken: `grant-${t.uid}`, refreshToken: `refresh-${t.uid}`, accessToken: `access-${t.uid}` };
      const b = await save(t, t.token({ ...shared, userSignature: { name: `user-b-${t.uid}` }, scope: 'b' }));
      const a = await save(t, t.token({ ...shared, userSignature: { name: `user-a-${t.uid}` }, scope: 'a' }));
      t.expect(a.id, "A's save creates its own record").not.toBe(b.id);
      t.expect(await byId(t, b.id as string), "B's record is untouched").toEqual(b);
      t.expect((await listRecords(t)).length, 'record count').toBe(2);
    },
  },
  {
    id: 'save.user-binding.adopts-unbound',
    title: 'a save for user A may adopt a matching record that has no user yet (same id, now bound to A)',
    async run(t) {
      const clientId = `client-${t.uid}`;
      const unbound = await save(t, t.token({ clientId, refreshToken: `refresh-${t.uid}`, accessToken: `access-old-${t.uid}` }));
      const update = t.token({ userSignature: { name: `user-a-${t.uid}` }, clientId, refreshToken: `refresh-${t.uid}`, accessToken: `access-new-${t.uid}` });
      const saved = await save(t, update);
      t.expect(saved.id, 'the unbound record is adopted').toBe(unbound.id);
      t.expect(await byId(t, unbound.id as string), 'the adopted record').toEqual({ ...update.toRecord(), id: unbound.id });
      t.expect((await listRecords(t)).length, 'record count').toBe(1);
    },
  },
  {
    id: 'save.user-binding.concurrent-adopt',
    title: `two users' concurrent saves that both match one unbound record (${ADOPT_ROUNDS} rounds, one on a peer instance when openPeer is given): one adopts it, the other gets a new record, neither overwrites the other`,
    async run(t) {
      const stores = await instances(t);
      for (let round = 0; round < ADOPT_ROUNDS; round++) {
        const what = `round ${round + 1} of ${ADOPT_ROUNDS}`;
        const clientId = `client-${round}-${t.uid}`;
        const refreshToken = `refresh-${round}-${t.uid}`;
        const unbound = await save(t, t.token({ clientId, refreshToken, accessToken: `access-unbound-${round}-${t.uid}`, scope: `scope.unbound.${round}` }));
        // Same clientId + refresh token (both select the unbound record), every other field distinct.
        const users = (['a', 'b'] as const).map((who) => {
          const token = t.token({
            userSignature: { name: `user-${who}-${round}-${t.uid}` },
            clientId,
            refreshToken,
            accessToken: `access-${who}-${round}-${t.uid}`,
            redirectUrl: `https://${who}.app.example/cb/${round}`,
            expiresAt: 1767225600000 + round * 10 + (who === 'a' ? 1 : 2),
            scope: `scope.${who}.${round}.READ`,
          });
          return { who, token, name: token.userSignature?.name as string };
        });
        // Both saves start in the same tick; which user goes first and which instance it uses alternate.
        const order = round % 2 === 0 ? users : [...users].reverse();
        const settled = await Promise.allSettled(order.map((u, i) => (stores[i % stores.length] as TokenStore).saveToken(u.token)));
        const failed = settled.flatMap((r, i) => (r.status === 'rejected' ? [`user ${order[i]?.who}: ${(r.reason as Error)?.message ?? String(r.reason)}`] : []));
        t.expect(failed, `${what}: both concurrent saves must resolve`).toEqual([]);
        const saved = new Map(order.map((u, i) => [u.who, recordOf(t.expect, (settled[i] as PromiseFulfilledResult<unknown>).value, `${what}: saveToken() of user ${u.who}`)]));
        const adopters = users.filter((u) => saved.get(u.who)?.id === unbound.id).map((u) => u.who);
        t.expect(adopters.length, `${what}: exactly one of the two saves adopts the unbound record (adopted by: ${adopters.join(', ') || 'none'})`).toBe(1);
        const [idA, idB] = users.map((u) => saved.get(u.who)?.id);
        t.expect(typeof idA === 'string' && typeof idB === 'string' && idA !== '' && idB !== '' && idA !== idB, `${what}: the two users get two different records`).toBe(true);
        for (const u of users) {
          const expected: TokenRecord = { ...u.token.toRecord(), id: saved.get(u.who)?.id as string };
          t.expect(saved.get(u.who), `${what}: saveToken() result of user ${u.who}`).toEqual(expected);
          const found = await t.store.findToken(t.token({ userSignature: { name: u.name } }));
          t.expect(found, `${what}: findToken(user ${u.who}) must find that user's record`).not.toBeNull();
          expectToken(t.expect, found, expected, `${what}: findToken(user ${u.who}) returns exactly that user's fields`);
          t.expect(await byId(t, expected.id as string), `${what}: findTokenById of user ${u.who}'s record`).toEqual(expected);
        }
        t.expect((await listRecords(t)).filter((r) => r.clientId === clientId).length, `${what}: records of the round (the adopted one and one new)`).toBe(2);
      }
    },
  },
  {
    id: 'save.user-binding.keeps-owner',
    title: "a save naming no user that matches user B's record keeps it bound to B, so user A cannot adopt it next",
    async run(t) {
      const b = await save(t, t.token({ ...fullInit(t, 'b') }));
      const userless = t.token({ accessToken: b.accessToken as string, scope: `rescoped-${t.uid}` });
      const updated = await save(t, userless);
      t.expect(updated.id, "the user-less save updates B's record").toBe(b.id);
      t.expect((await byId(t, b.id as string))?.userName, "B's record is still bound to B").toBe(b.userName);
      const intruder = t.token({ userSignature: { name: `user-a-${t.uid}` }, accessToken: b.accessToken as string });
      const a = await save(t, intruder);
      t.expect(a.id, "user A's save does not adopt B's record").not.toBe(b.id);
      t.expect((await byId(t, b.id as string))?.userName, "B's record is still bound to B").toBe(b.userName);
      t.expect((await listRecords(t)).length, 'record count').toBe(2);
    },
  },
  {
    id: 'save.user-binding.id-of-other-user',
    title: "a save for user A carrying the id of user B's record rejects with a TokenStoreError and leaves B's record alone",
    async run(t) {
      const b = await save(t, t.token({ ...fullInit(t, 'b') }));
      const intruder = t.token({ ...fullInit(t, 'a'), id: b.id });
      await expectStoreError(t, () => t.store.saveToken(intruder), undefined, "saveToken(A's token with B's id)");
      t.expect(await byId(t, b.id as string), "B's record is untouched").toEqual(b);
      t.expect((await listRecords(t)).filter((r) => r.id === b.id).length, 'records with that id').toBe(1);
    },
  },
  {
    id: 'save.upsert.id-and-user',
    title: "a save carrying a record's id and its user name (as the refresh engine saves) replaces that record: same id, every field replaced, absent fields cleared",
    async run(t) {
      const own = await save(t, t.token(fullInit(t, 'own')));
      const other = await save(t, t.token(fullInit(t, 'other')));
      const update = t.token({
        id: own.id,
        userSignature: { name: own.userName as string },
        clientId: own.clientId,
        refreshToken: `refresh-new-${t.uid}`,
        accessToken: `access-new-${t.uid}`,
        expiresAt: 1767225601456,
      });
      const saved = await save(t, update);
      t.expect(saved, 'saveToken result (the record keeps its id; clientSecret, redirectUrl, apiDomain, tokenType, scope are cleared)').toEqual(update.toRecord());
      t.expect(await byId(t, own.id as string), 'the replaced record').toEqual(update.toRecord());
      t.expect(await byId(t, other.id as string), 'the other record').toEqual(other);
      t.expect((await listRecords(t)).length, 'record count').toBe(2);
    },
  },
  {
    id: 'save.user-binding.adopts-unbound-by-id',
    title: 'a save for user A carrying the id of a record that has no user adopts it: same id, now bound to A, every field replaced',
    async run(t) {
      const unbound = await save(t, t.token({ clientId: `client-${t.uid}`, refreshToken: `refresh-old-${t.uid}`, accessToken: `access-old-${t.uid}`, scope: 'unbound' }));
      const update = t.token({ ...fullInit(t, 'a'), id: unbound.id });
      const saved = await save(t, update);
      t.expect(saved, 'saveToken result (the unbound record, adopted)').toEqual(update.toRecord());
      t.expect(await byId(t, unbound.id as string), 'the adopted record').toEqual(update.toRecord());
      const found = await t.store.findToken(t.token({ userSignature: { name: `user-a-${t.uid}` } }));
      expectToken(t.expect, found, update.toRecord(), "findToken(user A) finds the adopted record");
      t.expect((await listRecords(t)).length, 'record count').toBe(1);
    },
  },
  {
    id: 'save.user-binding.id-of-unbound-user-taken',
    title: 'a save for user A carrying the id of a record without a user, while A already has another record, rejects with STORE_CONFLICT and changes neither record',
    async run(t) {
      const a = await save(t, t.token(fullInit(t, 'a')));
      const unbound = await save(t, t.token({ clientId: `client-u-${t.uid}`, refreshToken: `refresh-u-${t.uid}`, accessToken: `access-u-${t.uid}`, scope: 'unbound' }));
      // The id comes first in the match precedence: this save matches the unbound record, and taking it
      // would give user A a second record.
      const second = t.token({ ...fullInit(t, 'second'), userSignature: { name: a.userName as string }, id: unbound.id });
      await expectStoreError(t, () => t.store.saveToken(second), 'STORE_CONFLICT', "saveToken(A's token with the unbound record's id)");
      t.expect(await byId(t, a.id as string), "A's record is untouched").toEqual(a);
      t.expect(await byId(t, unbound.id as string), 'the unbound record is untouched (still without a user)').toEqual(unbound);
      t.expect((await listRecords(t)).length, 'record count').toBe(2);
    },
  },
  {
    id: 'save.user-binding.concurrent-adopt-by-id',
    title: `two users' concurrent saves carrying the id of one unbound record (${ADOPT_ROUNDS} rounds, one on a peer instance when openPeer is given): one adopts it with exactly its own fields, the other rejects with STORE_CONFLICT`,
    async run(t) {
      const stores = await instances(t);
      for (let round = 0; round < ADOPT_ROUNDS; round++) {
        const what = `round ${round + 1} of ${ADOPT_ROUNDS}`;
        const unbound = await save(t, t.token({ clientId: `client-${round}-${t.uid}`, accessToken: `access-unbound-${round}-${t.uid}`, scope: `scope.unbound.${round}` }));
        // Same id (it selects the unbound record for either user), every other field distinct.
        const users = (['a', 'b'] as const).map((who) => ({
          who,
          token: t.token({
            id: unbound.id,
            userSignature: { name: `user-${who}-${round}-${t.uid}` },
            clientId: `client-${who}-${round}-${t.uid}`,
            refreshToken: `refresh-${who}-${round}-${t.uid}`,
            accessToken: `access-${who}-${round}-${t.uid}`,
            expiresAt: 1767225600000 + round * 10 + (who === 'a' ? 1 : 2),
            scope: `scope.${who}.${round}.READ`,
          }),
        }));
        const order = round % 2 === 0 ? users : [...users].reverse();
        const settled = await Promise.allSettled(order.map((u, i) => (stores[i % stores.length] as TokenStore).saveToken(u.token)));
        const winners = order.filter((_, i) => settled[i]?.status === 'fulfilled');
        t.expect(winners.map((u) => u.who), `${what}: exactly one of the two saves resolves (it adopts the record)`).toHaveLength(1);
        const winner = winners[0] as (typeof users)[number];
        const won = settled[order.indexOf(winner)] as PromiseFulfilledResult<unknown>;
        t.expect(recordOf(t.expect, won.value, `${what}: saveToken() of user ${winner.who}`), `${what}: the winner's result`).toEqual(winner.token.toRecord());
        const lost = settled.find((r) => r.status === 'rejected') as PromiseRejectedResult;
        await expectStoreError(t, () => Promise.reject(lost.reason), 'STORE_CONFLICT', `${what}: the other save`);
        t.expect(await byId(t, unbound.id as string), `${what}: the record holds exactly the winner's fields`).toEqual(winner.token.toRecord());
        const loser = users.find((u) => u !== winner) as (typeof users)[number];
        t.expect(await t.store.findToken(t.token({ userSignature: { name: loser.token.userSignature?.name as string } })), `${what}: the loser has no record`).toBeNull();
      }
      t.expect((await listRecords(t)).length, 'one record per round').toBe(ADOPT_ROUNDS);
    },
  },
];
