import { byId, expectStoreError, expectToken, listRecords, save } from '../assertions.js';
import type { ConformanceCase } from '../conformance-case.js';
import { fullInit } from './full-init.js';

/** User binding: a save never takes or overwrites another user's record; it may adopt one without a user. */
export const saveUserBindingCases: ConformanceCase[] = [
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
];
