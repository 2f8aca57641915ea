import type { TokenRecord, TokenStore } from '@tokenstore/core/store-kit';
import { byId, expectStoreError, expectToken, listRecords, recordOf, save } from '../assertions.js';
import type { ConformanceCase } from '../conformance-case.js';
import { ADOPT_ROUNDS, instances } from './save-helpers.js';

/** Two users racing to adopt one unbound record (by a shared token, or by its id): exactly one gets it. */
export const saveConcurrentAdoptCases: ConformanceCase[] = [
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
