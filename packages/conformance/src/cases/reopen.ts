import { listRecords, save } from '../assertions.js';
import type { ConformanceCase } from '../conformance-case.js';
import { EXPIRES_AT_VALUES, JSON_FRAGMENTS, QUOTES_AND_BACKSLASHES, SQL_FRAGMENTS, UNICODE, WHITESPACE, WILDCARDS, everyField } from '../values.js';
import { distinctFields, expectReadBack, longValueInits, saveAndReadBack } from './roundtrip.js';
import { fullInit } from './full-init.js';

export const reopenCases: ConformanceCase[] = [
  {
    id: 'reopen.persists-all-fields',
    title: 'after reopenStore every record is still there, every field byte for byte (hostile and 8 KiB values, ms expiries)',
    needs: 'reopen',
    async run(t) {
      const samples = [QUOTES_AND_BACKSLASHES[1], SQL_FRAGMENTS[0], WILDCARDS[0], WILDCARDS[1], JSON_FRAGMENTS[0], UNICODE[1], UNICODE[5], WHITESPACE[2], WHITESPACE[5]] as string[];
      const expected = await saveAndReadBack(
        t,
        [
          distinctFields(t, 'full'),
          { accessToken: `only-access-${t.uid}` },
          ...samples.map((v, i) => everyField(v, EXPIRES_AT_VALUES[i % EXPIRES_AT_VALUES.length])),
          ...longValueInits(t),
        ],
        'before reopen',
      );
      await t.reopen();
      await expectReadBack(t, expected, 'after reopen');
      t.expect((await listRecords(t)).length, 'record count after reopen').toBe(expected.length);
    },
  },
  {
    id: 'reopen.upsert-after-reopen',
    title: 'after reopenStore, saves still upsert (no duplicate) and new ids do not collide with old ones',
    needs: 'reopen',
    async run(t) {
      const user = await save(t, t.token(fullInit(t, 'a')));
      const explicit = await save(t, t.token({ id: `explicit-${t.uid}`, accessToken: `access-x-${t.uid}` }));
      await t.reopen();
      const updatedUser = await save(t, t.token({ ...fullInit(t, 'a'), scope: 'updated' }));
      t.expect(updatedUser.id, 'the user record keeps its id after reopen').toBe(user.id);
      const updatedExplicit = await save(t, t.token({ id: `explicit-${t.uid}`, accessToken: `access-y-${t.uid}` }));
      t.expect(updatedExplicit.id, 'the explicit id record is updated').toBe(explicit.id);
      const fresh = [];
      for (let i = 0; i < 5; i++) fresh.push(await save(t, t.token({ userSignature: { name: `new-${i}-${t.uid}` } })));
      const ids = [user.id, explicit.id, ...fresh.map((r) => r.id)];
      t.expect(new Set(ids).size, 'ids generated after reopen are new').toBe(ids.length);
      t.expect((await listRecords(t)).length, 'record count').toBe(ids.length);
    },
  },
  {
    id: 'reopen.deletes-persist',
    title: 'deleteToken and deleteTokens are persisted across reopenStore',
    needs: 'reopen',
    async run(t) {
      const one = await save(t, t.token(fullInit(t, 'one')));
      const two = await save(t, t.token(fullInit(t, 'two')));
      await t.store.deleteToken(one.id as string);
      await t.reopen();
      t.expect((await listRecords(t)).map((r) => r.id), 'records after deleteToken and reopen').toEqual([two.id]);
      await t.store.deleteTokens();
      await t.reopen();
      t.expect(await listRecords(t), 'records after deleteTokens and reopen').toEqual([]);
    },
  },
];
