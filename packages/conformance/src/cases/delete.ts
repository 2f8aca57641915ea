import type { TokenRecord } from '@tokenstore/core/store-kit';
import { byId, expectStoreError, listRecords, save } from '../assertions.js';
import type { CaseContext, ConformanceCase } from '../conformance-case.js';
import { expectFind } from './find.js';
import { fullInit } from './full-init.js';

async function three(t: CaseContext): Promise<TokenRecord[]> {
  return [await save(t, t.token(fullInit(t, 'one'))), await save(t, t.token(fullInit(t, 'two'))), await save(t, t.token(fullInit(t, 'three')))];
}

function sortById(records: TokenRecord[]): TokenRecord[] {
  return [...records].sort((a, b) => ((a.id as string) < (b.id as string) ? -1 : (a.id as string) > (b.id as string) ? 1 : 0));
}

export const deleteCases: ConformanceCase[] = [
  {
    id: 'delete.removes-one',
    title: 'deleteToken removes exactly the record with that id',
    async run(t) {
      const [one, two, three_] = (await three(t)) as [TokenRecord, TokenRecord, TokenRecord];
      const result = await t.store.deleteToken(two.id as string);
      t.expect(result, 'deleteToken resolves to undefined').toBeUndefined();
      t.expect(await t.store.findTokenById(two.id as string), 'the deleted record').toBeNull();
      await expectFind(t, { userSignature: two.userName === null ? undefined : { name: two.userName } }, null, 'the deleted user');
      t.expect(await byId(t, one.id as string), 'the first record').toEqual(one);
      t.expect(await byId(t, three_.id as string), 'the third record').toEqual(three_);
      t.expect(sortById(await listRecords(t)), 'getTokens() after deleting one of three').toEqual(sortById([one, three_]));
    },
  },
  {
    id: 'delete.unknown-id',
    title: 'deleteToken of an unknown id resolves (no error) and deletes nothing',
    async run(t) {
      const records = await three(t);
      await t.store.deleteToken(`no-such-id-${t.uid}`);
      await t.store.deleteToken(`no-such-id-${t.uid}`);
      t.expect(sortById(await listRecords(t)), 'getTokens() after deleting unknown ids').toEqual(sortById(records));
    },
  },
  {
    id: 'delete.rejects-non-string',
    title: 'deleteToken with a non-string id rejects with TokenStoreError INVALID_ARGUMENT and deletes nothing',
    async run(t) {
      const records = await three(t);
      for (const bad of [undefined, null, 42, {}]) {
        await expectStoreError(t, () => t.store.deleteToken(bad as unknown as string), 'INVALID_ARGUMENT', `deleteToken(${JSON.stringify(bad) ?? 'undefined'})`);
      }
      t.expect(sortById(await listRecords(t)), 'getTokens() after invalid deletes').toEqual(sortById(records));
    },
  },
  {
    id: 'get-tokens.empty',
    title: 'getTokens of a fresh store resolves to an empty array',
    async run(t) {
      t.expect(await listRecords(t), 'getTokens() of a fresh store').toEqual([]);
    },
  },
  {
    id: 'get-tokens.lists-all',
    title: 'getTokens lists every record once, every field intact',
    async run(t) {
      const records = [...(await three(t))];
      for (let i = 0; i < 7; i++) records.push(await save(t, t.token({ userSignature: { name: `more-${i}-${t.uid}` }, accessToken: `access-${i}-${t.uid}` })));
      t.expect(sortById(await listRecords(t)), 'getTokens()').toEqual(sortById(records));
    },
  },
  {
    id: 'delete-tokens.clears',
    title: 'deleteTokens removes every record: getTokens is empty, lookups find nothing, saving works again',
    async run(t) {
      const records = await three(t);
      t.expect(await t.store.deleteTokens(), 'deleteTokens resolves to undefined').toBeUndefined();
      t.expect(await listRecords(t), 'getTokens() after deleteTokens').toEqual([]);
      for (const record of records) {
        t.expect(await t.store.findTokenById(record.id as string), 'findTokenById after deleteTokens').toBeNull();
        await expectFind(t, { userSignature: { name: record.userName as string } }, null, 'findToken(user) after deleteTokens');
      }
      const again = await save(t, t.token(fullInit(t, 'one')));
      t.expect((await listRecords(t)).map((r) => r.id), 'getTokens() after saving again').toEqual([again.id]);
      await t.store.deleteTokens();
      t.expect(await listRecords(t), 'getTokens() after a second deleteTokens').toEqual([]);
    },
  },
];
