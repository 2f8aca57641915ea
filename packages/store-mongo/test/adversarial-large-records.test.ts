/**
 * A record larger than a MongoDB document may be (16 MiB of BSON): the core check lets any length of
 * well-formed string through, so it is the store that must say INVALID_ARGUMENT, before anything of
 * the call is written, and not fail in the driver's serializer (a RangeError, STORE_FAILURE).
 */
import { uniqueName } from '@tokenstore/store-testkit';
import { OAuthToken, isTokenStoreError, type TokenRecord } from '@tokenstore/core/store-kit';
import { describe, expect, it } from 'vitest';
import { adminClient, storeTracker } from './helpers.js';

const MIB = 1024 * 1024;
const admin = adminClient();
const tracker = storeTracker(admin).cleanUpAfterTests(() => admin.close());

describe('MongoStore with records beyond the 16 MiB document limit', () => {
  const record = (id: string, scope?: string): TokenRecord => ({
    ...new OAuthToken({ userSignature: { name: `user-${id}` }, accessToken: `access-${id}`, ...(scope === undefined ? {} : { scope }) }).toRecord(),
    id,
  });

  it('saveToken and putRecords of a too large record: INVALID_ARGUMENT naming no value, nothing written', async () => {
    const store = tracker.open({ collection: uniqueName('large') });
    const huge = 's'.repeat(17 * MIB);
    const saved = await store.saveToken(new OAuthToken({ id: 'huge', accessToken: 'access-huge', scope: huge })).catch((e: unknown) => e);
    expect(isTokenStoreError(saved, 'INVALID_ARGUMENT'), String(saved)).toBe(true);
    expect((saved as Error).message).not.toContain('sss');

    const put = await store.putRecords([record('small'), record('huge', huge)]).catch((e: unknown) => e);
    expect(isTokenStoreError(put, 'INVALID_ARGUMENT'), String(put)).toBe(true);
    expect(await store.getTokens()).toEqual([]);
  });
});
