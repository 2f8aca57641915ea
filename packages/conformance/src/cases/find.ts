import type { TokenRecord, OAuthTokenInit } from '@tokenstore/core/store-kit';
import { expectStoreError, expectToken, recordOf, save, short } from '../assertions.js';
import type { CaseContext, ConformanceCase } from '../conformance-case.js';
import { IDENTIFIER_FIELDS, type IdentifierField, probeFor } from '../values.js';

/** findToken(probe) must return exactly `expected` (a record) or null. */
export async function expectFind(t: CaseContext, probe: OAuthTokenInit, expected: TokenRecord | null, what: string): Promise<void> {
  const found = await t.store.findToken(t.token(probe));
  const label = `${what}: findToken(${describeProbe(probe)})`;
  if (expected === null) {
    t.expect(found === null ? null : recordOf(t.expect, found, label), `${label} must be null`).toBeNull();
  } else {
    expectToken(t.expect, found, expected, label);
  }
}

function describeProbe(probe: OAuthTokenInit): string {
  const parts = Object.entries(probe).map(([k, v]) => `${k}: ${JSON.stringify(k === 'userSignature' ? (v as { name: string }).name : typeof v === 'string' ? short(v) : v)}`);
  return `{ ${parts.join(', ')} }`;
}

/** Three unrelated records, so a store that returns "any record" fails. */
async function decoys(t: CaseContext): Promise<TokenRecord[]> {
  const records: TokenRecord[] = [];
  for (const n of [1, 2, 3]) {
    records.push(
      await save(
        t,
        t.token({
          userSignature: { name: `decoy-user-${n}-${t.uid}` },
          clientId: `client-${t.uid}`,
          grantToken: `decoy-grant-${n}-${t.uid}`,
          refreshToken: `decoy-refresh-${n}-${t.uid}`,
          accessToken: `decoy-access-${n}-${t.uid}`,
        }),
      ),
    );
  }
  return records;
}

function byIdentifier(field: IdentifierField): ConformanceCase {
  const name = { id: 'id', userName: 'user-name', grantToken: 'grant-token', refreshToken: 'refresh-token', accessToken: 'access-token' }[field];
  return {
    id: `find.by-${name}`,
    title: `findToken finds a record by its ${field === 'userName' ? 'user name' : field} alone${field === 'grantToken' || field === 'refreshToken' ? ' (with the same clientId)' : ''}`,
    async run(t) {
      const clientId = `client-${t.uid}`;
      await decoys(t);
      const target = await save(
        t,
        t.token({ id: `target-${t.uid}`, userSignature: { name: `target-user-${t.uid}` }, clientId, grantToken: `target-grant-${t.uid}`, refreshToken: `target-refresh-${t.uid}`, accessToken: `target-access-${t.uid}`, scope: 'target' }),
      );
      await decoys(t);
      const value = target[field] as string;
      await expectFind(t, probeFor(field, value, clientId), target, `by ${field}`);
    },
  };
}

/** Five records, each selected by exactly one identifier of the full probe below. */
async function precedenceFixture(t: CaseContext) {
  const clientId = `client-${t.uid}`;
  const values = {
    id: `p-id-${t.uid}`,
    userName: `p-user-${t.uid}`,
    grantToken: `p-grant-${t.uid}`,
    refreshToken: `p-refresh-${t.uid}`,
    accessToken: `p-access-${t.uid}`,
  };
  const records = {
    id: await save(t, t.token({ id: values.id, clientId, scope: 'selected by id' })),
    userName: await save(t, t.token({ userSignature: { name: values.userName }, clientId, scope: 'selected by user name' })),
    grantToken: await save(t, t.token({ clientId, grantToken: values.grantToken, scope: 'selected by grant token' })),
    refreshToken: await save(t, t.token({ clientId, refreshToken: values.refreshToken, scope: 'selected by refresh token' })),
    accessToken: await save(t, t.token({ clientId, accessToken: values.accessToken, scope: 'selected by access token' })),
  };
  /** A probe carrying the given identifiers with the values that select their records, others unknown. */
  const probe = (present: readonly IdentifierField[], unknown: readonly IdentifierField[] = []): OAuthTokenInit => {
    const p: OAuthTokenInit = { clientId };
    for (const field of IDENTIFIER_FIELDS) {
      const value = present.includes(field) ? values[field] : unknown.includes(field) ? `unknown-${field}-${t.uid}` : undefined;
      if (value === undefined) continue;
      if (field === 'userName') p.userSignature = { name: value };
      else p[field] = value;
    }
    return p;
  };
  return { records, probe };
}

function precedence(higher: IdentifierField, lower: IdentifierField, idName: string): ConformanceCase {
  return {
    id: `find.precedence.${idName}`,
    title: `a probe whose ${higher} and ${lower} select different records returns the ${higher} match`,
    async run(t) {
      const { records, probe } = await precedenceFixture(t);
      await expectFind(t, probe([higher, lower]), records[higher], `${higher} beats ${lower}`);
    },
  };
}

export const findCases: ConformanceCase[] = [
  ...IDENTIFIER_FIELDS.map(byIdentifier),
  {
    id: 'find.no-identifier',
    title: 'a probe with no identifier (only clientId, secrets, scope...) finds nothing, even in a non-empty store',
    async run(t) {
      await decoys(t);
      const clientId = `client-${t.uid}`;
      await expectFind(t, {}, null, 'empty probe');
      await expectFind(t, { clientId }, null, 'clientId only');
      await expectFind(t, { clientId, clientSecret: `secret-${t.uid}`, redirectUrl: 'https://app.example/cb', scope: 'a b', tokenType: 'Bearer', apiDomain: 'https://api.example', expiresAt: 1767225600123 }, null, 'non-identifying fields');
    },
  },
  {
    id: 'find.no-match',
    title: 'a probe whose identifiers select nothing finds null',
    async run(t) {
      await decoys(t);
      const clientId = `client-${t.uid}`;
      for (const field of IDENTIFIER_FIELDS) await expectFind(t, probeFor(field, `missing-${field}-${t.uid}`, clientId), null, `unknown ${field}`);
      await expectFind(t, { id: `missing-${t.uid}`, userSignature: { name: `missing-${t.uid}` }, clientId, grantToken: 'missing', refreshToken: 'missing', accessToken: 'missing' }, null, 'all identifiers unknown');
    },
  },
  {
    id: 'find.empty-strings-absent',
    title: "empty strings count as absent identifiers: they never select a record (also a record holding '')",
    async run(t) {
      const clientId = `client-${t.uid}`;
      const target = await save(t, t.token({ clientId, accessToken: `access-${t.uid}` }));
      // Records holding '' in identifier fields: a store comparing '' = '' would select them.
      await save(t, t.token({ clientId, grantToken: '', refreshToken: '', accessToken: `holder-${t.uid}` }));
      await save(t, t.token({ clientId: '', refreshToken: `refresh-${t.uid}`, accessToken: `holder2-${t.uid}` }));
      await expectFind(t, { id: '', userSignature: { name: '' }, clientId, grantToken: '', refreshToken: '', accessToken: '' }, null, 'every identifier empty');
      await expectFind(t, { id: '', clientId, grantToken: '', refreshToken: '', accessToken: `access-${t.uid}` }, target, "empty id and tokens are skipped, the access token selects");
      await expectFind(t, { clientId: '', refreshToken: `refresh-${t.uid}` }, null, "an empty clientId is no clientId: the refresh token cannot select");
    },
  },
  ...(['grantToken', 'refreshToken'] as const).map(
    (field): ConformanceCase => ({
      id: `find.${field === 'grantToken' ? 'grant-token' : 'refresh-token'}.needs-same-client-id`,
      title: `a ${field} selects a record only with a clientId on the probe equal to the record's`,
      async run(t) {
        const clientId = `client-${t.uid}`;
        const value = `${field}-${t.uid}`;
        const record = await save(t, t.token({ clientId, [field]: value, scope: 'with client' }));
        const orphanValue = `${field}-orphan-${t.uid}`;
        await save(t, t.token({ [field]: orphanValue, scope: 'record without clientId' }));
        await expectFind(t, { [field]: value }, null, 'no clientId on the probe');
        await expectFind(t, { clientId: `other-${t.uid}`, [field]: value }, null, 'another clientId');
        await expectFind(t, { clientId: clientId.toUpperCase(), [field]: value }, null, 'the clientId in another case');
        await expectFind(t, { clientId, [field]: orphanValue }, null, 'a record without clientId');
        await expectFind(t, { clientId, [field]: value }, record, 'the same clientId');
      },
    }),
  ),
  {
    id: 'find.access-token.any-client-id',
    title: "an access token selects its record whatever the probe's clientId (the clientId rule is for grant and refresh tokens)",
    async run(t) {
      const record = await save(t, t.token({ clientId: `client-${t.uid}`, accessToken: `access-${t.uid}` }));
      await expectFind(t, { accessToken: `access-${t.uid}` }, record, 'no clientId');
      await expectFind(t, { clientId: `other-${t.uid}`, accessToken: `access-${t.uid}` }, record, 'another clientId');
    },
  },
  precedence('id', 'userName', 'id-over-user-name'),
  precedence('userName', 'grantToken', 'user-name-over-grant-token'),
  precedence('grantToken', 'refreshToken', 'grant-token-over-refresh-token'),
  precedence('refreshToken', 'accessToken', 'refresh-token-over-access-token'),
  {
    id: 'find.precedence.first-selecting-identifier',
    title: 'the match is the first identifier, in precedence order, that selects a record (unknown earlier identifiers are skipped)',
    async run(t) {
      const { records, probe } = await precedenceFixture(t);
      for (let k = 0; k < IDENTIFIER_FIELDS.length; k++) {
        const unknown = IDENTIFIER_FIELDS.slice(0, k);
        const present = IDENTIFIER_FIELDS.slice(k);
        const field = IDENTIFIER_FIELDS[k] as IdentifierField;
        await expectFind(t, probe(present, unknown), records[field], `identifiers before ${field} select nothing, ${field} and later ones select`);
      }
    },
  },
  {
    id: 'find.user-binding.other-user',
    title: "a probe naming user A never returns user B's record, whichever identifier (id, grant, refresh, access token) points at it",
    async run(t) {
      const clientId = `client-${t.uid}`;
      const b = await save(t, t.token({ userSignature: { name: `user-b-${t.uid}` }, clientId, grantToken: `grant-b-${t.uid}`, refreshToken: `refresh-b-${t.uid}`, accessToken: `access-b-${t.uid}` }));
      const userA = { name: `user-a-${t.uid}` };
      await expectFind(t, { id: b.id, userSignature: userA }, null, "B's id");
      await expectFind(t, { userSignature: userA, clientId, grantToken: b.grantToken }, null, "B's grant token");
      await expectFind(t, { userSignature: userA, clientId, refreshToken: b.refreshToken }, null, "B's refresh token");
      await expectFind(t, { userSignature: userA, accessToken: b.accessToken }, null, "B's access token");
      await expectFind(t, { userSignature: { name: `user-b-${t.uid}` }, accessToken: b.accessToken }, b, 'B itself');
    },
  },
  {
    id: 'find.user-binding.adopts-unbound',
    title: 'a probe naming user A may select a record that has no user yet',
    async run(t) {
      const clientId = `client-${t.uid}`;
      const unbound = await save(t, t.token({ clientId, refreshToken: `refresh-${t.uid}`, accessToken: `access-${t.uid}` }));
      await expectFind(t, { userSignature: { name: `user-a-${t.uid}` }, clientId, refreshToken: `refresh-${t.uid}` }, unbound, 'refresh token of an unbound record');
      await expectFind(t, { userSignature: { name: `user-a-${t.uid}` }, accessToken: `access-${t.uid}` }, unbound, 'access token of an unbound record');
    },
  },
  {
    id: 'find-by-id.known',
    title: 'findTokenById returns the record with that id, every field intact',
    async run(t) {
      const records = await decoys(t);
      for (const record of records) expectToken(t.expect, await t.store.findTokenById(record.id as string), record, `findTokenById(${record.id})`);
    },
  },
  {
    id: 'find-by-id.unknown',
    title: 'findTokenById of an unknown id resolves to null (no error)',
    async run(t) {
      await decoys(t);
      t.expect(await t.store.findTokenById(`no-such-id-${t.uid}`), 'findTokenById(unknown)').toBeNull();
    },
  },
  {
    id: 'find-by-id.rejects-non-string',
    title: 'findTokenById with a non-string id rejects with TokenStoreError INVALID_ARGUMENT',
    async run(t) {
      await decoys(t);
      for (const bad of [undefined, null, 42, {}, ['x']]) {
        await expectStoreError(t, () => t.store.findTokenById(bad as unknown as string), 'INVALID_ARGUMENT', `findTokenById(${JSON.stringify(bad) ?? 'undefined'})`);
      }
    },
  },
  {
    id: 'isolation.multi-user',
    title: "several users' tokens live side by side: each user finds its own, updating or deleting one leaves the others intact",
    async run(t) {
      const clientId = `client-${t.uid}`;
      const users = await Promise.all(
        [0, 1, 2, 3, 4].map(async (i) => save(t, t.token({ userSignature: { name: `user-${i}-${t.uid}` }, clientId, refreshToken: `refresh-${i}-${t.uid}`, accessToken: `access-${i}-${t.uid}`, expiresAt: 1767225600000 + i }))),
      );
      for (const [i, user] of users.entries()) await expectFind(t, { userSignature: { name: `user-${i}-${t.uid}` } }, user, `user ${i}`);
      const update = t.token({ userSignature: { name: `user-2-${t.uid}` }, clientId, refreshToken: `refresh-2b-${t.uid}`, accessToken: `access-2b-${t.uid}` });
      const updated = await save(t, update);
      t.expect(updated.id, "user 2's record keeps its id").toBe(users[2]?.id);
      await t.store.deleteToken(users[3]?.id as string);
      for (const [i, user] of users.entries()) {
        const expected = i === 2 ? { ...update.toRecord(), id: user.id } : i === 3 ? null : user;
        await expectFind(t, { userSignature: { name: `user-${i}-${t.uid}` } }, expected, `user ${i} after updating user 2 and deleting user 3`);
      }
    },
  },
];
