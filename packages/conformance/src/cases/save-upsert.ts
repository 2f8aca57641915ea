import type { TokenRecord } from '@tokenstore/core/store-kit';
import { byId, listRecords, save } from '../assertions.js';
import type { ConformanceCase } from '../conformance-case.js';
import { IDENTIFIER_FIELDS, probeFor } from '../values.js';
import { fullInit } from './full-init.js';

/** Upsert: which record a save replaces (by each identifier, in precedence order, clientId-scoped), and that it replaces every field. */
export const saveUpsertCases: ConformanceCase[] = [
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
];
