import type { OAuthTokenInit, TokenRecord, TokenStore } from '@tokenstore/core/store-kit';
import { expectStoreError, listRecords, save } from '../assertions.js';
import type { CaseContext, ConformanceCase } from '../conformance-case.js';
import { MANY } from './many-records.js';
import { EXPIRES_AT_VALUES, JSON_FRAGMENTS, QUOTES_AND_BACKSLASHES, SQL_FRAGMENTS, UNICODE, UNSTORABLE_STRINGS, WILDCARDS, everyField } from '../values.js';

/** A store with the kit's bulk copy (`RecordTokenStore.putRecords`): copy by id, exactly. */
interface PutRecordsStore extends TokenStore {
  putRecords(records: readonly TokenRecord[]): Promise<void>;
}

const put = (t: CaseContext, records: readonly TokenRecord[]) => (t.store as PutRecordsStore).putRecords(records);

/** A record built through `t.token` (so its secrets are known to the no-secret checks), with this id. */
function recordWith(t: CaseContext, id: string, init: OAuthTokenInit): TokenRecord {
  return { ...t.token(init).toRecord(), id };
}

/**
 * Records that stores hold side by side but saveToken's matching would merge: unbound records that
 * share a grant, refresh or access token (and client id) with a bound one, plus hostile values.
 */
function twinsAndHostileValues(t: CaseContext): TokenRecord[] {
  const c = `client-${t.uid}`;
  const shared = { grantToken: `G-shared-${t.uid}`, refreshToken: `R-shared-${t.uid}`, accessToken: `A-shared-${t.uid}` };
  const samples = [QUOTES_AND_BACKSLASHES[1], SQL_FRAGMENTS[0], WILDCARDS[0], JSON_FRAGMENTS[0], UNICODE[1]] as string[];
  return [
    recordWith(t, `bound-${t.uid}`, { userSignature: { name: `bob-${t.uid}` }, clientId: c, ...shared, expiresAt: EXPIRES_AT_VALUES[0] }),
    recordWith(t, `unbound-refresh-${t.uid}`, { clientId: c, refreshToken: shared.refreshToken, scope: 'by refresh' }),
    recordWith(t, `unbound-grant-${t.uid}`, { clientId: c, grantToken: shared.grantToken }),
    recordWith(t, `unbound-access-${t.uid}`, { accessToken: shared.accessToken, tokenType: 'Bearer' }),
    recordWith(t, `other-user-${t.uid}`, { userSignature: { name: `carol-${t.uid}` }, clientId: c, refreshToken: shared.refreshToken }),
    recordWith(t, `long-${t.uid}`, { userSignature: { name: `long-${t.uid}` }, scope: 'x'.repeat(8192), accessToken: `long-access-${t.uid}` }),
    ...samples.map((value, i) => recordWith(t, `hostile-${i}-${t.uid}`, { ...everyField(value, EXPIRES_AT_VALUES[i + 1]), userSignature: { name: `hostile-${i}-${value}-${t.uid}` } })),
  ];
}

const byIdOrder = (records: readonly TokenRecord[]) => [...records].sort((a, b) => ((a.id as string) < (b.id as string) ? -1 : 1));

async function expectExactly(t: CaseContext, expected: readonly TokenRecord[], what: string): Promise<void> {
  t.expect(byIdOrder(await listRecords(t)), what).toEqual(byIdOrder(expected));
}

export const putRecordsCases: ConformanceCase[] = [
  {
    id: 'put-records.exact',
    title: 'putRecords copies by id, field for field: records sharing tokens stay separate, an existing id is replaced (its owner too), others are untouched',
    needs: 'putRecords',
    async run(t) {
      const untouched = await save(t, t.token({ userSignature: { name: `untouched-${t.uid}` }, accessToken: `untouched-${t.uid}` }));
      const records = twinsAndHostileValues(t);
      // An existing record with the id of a bound one: replaced by the copy, owner included.
      const replaced = records[3] as TokenRecord;
      await save(t, t.token({ id: replaced.id as string, userSignature: { name: `previous-owner-${t.uid}` }, scope: 'old' }));
      await put(t, records);
      await expectExactly(t, [untouched, ...records], 'records after putRecords');
    },
  },
  {
    id: 'put-records.idempotent',
    title: 'putRecords again, or of a batch partly stored already (a rerun after a crash), neither duplicates nor loses anything',
    needs: 'putRecords',
    async run(t) {
      const records = twinsAndHostileValues(t);
      const half = records.slice(0, Math.ceil(records.length / 2));
      await put(t, half);
      await put(t, records);
      await expectExactly(t, records, 'after a batch of which half was stored');
      await put(t, records);
      await expectExactly(t, records, 'after the same batch once more');
    },
  },
  {
    id: 'put-records.many',
    title: `putRecords of ${MANY} records in one call (more than a page or a cursor batch) stores each exactly once`,
    needs: 'putRecords',
    async run(t) {
      const records = Array.from({ length: MANY }, (_, i) =>
        recordWith(t, `many-${i}-${t.uid}`, { ...(i % 3 === 0 ? {} : { userSignature: { name: `many-${i}-${t.uid}` } }), refreshToken: `many-refresh-${i}-${t.uid}`, expiresAt: 1_700_000_000_000 + i }),
      );
      await put(t, records);
      await expectExactly(t, records, `${MANY} records after one putRecords`);
    },
  },
  {
    id: 'put-records.user-conflict',
    title: 'putRecords of a user name another id owns in the store: STORE_CONFLICT naming the id, no secret, the owner record unchanged',
    needs: 'putRecords',
    async run(t) {
      const owner = await save(t, t.token({ userSignature: { name: `dave-${t.uid}` }, refreshToken: `owner-refresh-${t.uid}` }));
      const intruder = recordWith(t, `intruder-${t.uid}`, { userSignature: { name: `dave-${t.uid}` }, refreshToken: `intruder-refresh-${t.uid}`, clientSecret: `intruder-secret-${t.uid}` });
      let message = '';
      await expectStoreError(
        t,
        () => put(t, [intruder]).catch((error: unknown) => ((message = String((error as Error)?.message)), Promise.reject(error))),
        'STORE_CONFLICT',
        'putRecords of a user owned by another id',
      );
      t.expect(message, 'the conflict names the record being copied').toContain(intruder.id);
      const after = await listRecords(t);
      t.expect(after, 'the owner record is unchanged and the intruder is not stored').toEqual([owner]);
    },
  },
  {
    id: 'put-records.validation-before-write',
    title: 'putRecords with one bad record (unstorable string, NUL, no id, id or user twice) rejects INVALID_ARGUMENT and writes nothing of the batch',
    needs: 'putRecords',
    async run(t) {
      const good = (i: number) => recordWith(t, `good-${i}-${t.uid}`, { userSignature: { name: `good-${i}-${t.uid}` }, accessToken: `good-access-${i}-${t.uid}` });
      const bad: [string, TokenRecord][] = [
        ...UNSTORABLE_STRINGS.map((value, i): [string, TokenRecord] => [`unstorable string ${i}`, { ...good(90), id: `bad-${i}-${t.uid}`, refreshToken: value }]),
        ['no id', { ...good(91), id: null }],
        ['id twice', { ...good(0), scope: 'twice' }],
        ['user twice', { ...good(92), userName: `good-1-${t.uid}` }],
      ];
      for (const [why, record] of bad) {
        await expectStoreError(t, () => put(t, [good(0), good(1), good(2), record]), 'INVALID_ARGUMENT', `putRecords with ${why}`);
        t.expect(await listRecords(t), `nothing written after a batch with ${why}`).toEqual([]);
      }
    },
  },
];
