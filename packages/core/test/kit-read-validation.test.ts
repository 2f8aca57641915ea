import { describe, expect, it, vi } from 'vitest';
import * as storable from '../src/storable-string.js';
import { OAuthToken, RecordTokenStore, emptyRecord, recordFromUnknown, type LookupField, type TokenRecord } from '../src/store-kit.js';
import { MapBackend } from './helpers/map-backend.js';

// Counts every string check core makes, to tell a record checked once from one checked twice.
vi.mock('../src/storable-string.js', async (importOriginal) => {
  const actual = await importOriginal<typeof import('../src/storable-string.js')>();
  return { ...actual, assertStorableString: vi.fn(actual.assertStorableString) };
});
const checks = vi.mocked(storable.assertStorableString);

const ROW = { id: 'r1', userName: 'alice', clientId: 'c', refreshToken: 'refresh-value', accessToken: 'access-value', expiresAt: 1_700_000_000_000 };

/**
 * Reads rows the way SQLiteStore and MongoStore do: each raw row goes through core's read-side check
 * (`recordFromUnknown`; a store maps its failure to STORE_CORRUPT). `tamper` runs on the checked
 * record before it is returned, to play a backend that changes a record after core checked it.
 */
class CheckingBackend extends MapBackend {
  tamper: ((record: TokenRecord) => void) | undefined;

  async insert(record: TokenRecord): Promise<void> {
    this.records.set(record.id as string, { ...record });
  }

  async replace(): Promise<boolean> {
    return false;
  }

  override async findBy(field: LookupField, value: string): Promise<readonly TokenRecord[]> {
    return (await super.findBy(field, value)).map((raw) => this.#read(raw));
  }

  override async list(): Promise<readonly TokenRecord[]> {
    return (await super.list()).map((raw) => this.#read(raw));
  }

  #read(raw: TokenRecord): TokenRecord {
    const record = recordFromUnknown({ ...raw });
    this.tamper?.(record);
    return record;
  }
}

/** How many times core checked the string `value` while `body` ran. */
async function checksOf(value: string, body: () => Promise<unknown>): Promise<number> {
  checks.mockClear();
  await body();
  return checks.mock.calls.filter(([checked]) => checked === value).length;
}

function storeWith(backend: CheckingBackend): RecordTokenStore {
  backend.records.set(ROW.id, { ...recordFromUnknown(ROW) });
  return new RecordTokenStore(backend, 'CheckingStore');
}

describe('the kit hands a record its backend already checked to the token without checking it again', () => {
  it('findToken, findTokenById and getTokens check each stored value once (the backend read)', async () => {
    const store = storeWith(new CheckingBackend());
    expect(await checksOf('access-value', () => store.findToken(new OAuthToken({ userSignature: { name: 'alice' } })))).toBe(1);
    expect(await checksOf('access-value', () => store.findTokenById('r1'))).toBe(1);
    expect(await checksOf('access-value', () => store.getTokens())).toBe(1);
  });

  it('the token read is the stored record exactly', async () => {
    const store = storeWith(new CheckingBackend());
    const found = await store.findToken(new OAuthToken({ userSignature: { name: 'alice' } }));
    expect(found?.toRecord()).toEqual(recordFromUnknown(ROW));
    expect((await store.getTokens()).map((t) => t.toRecord())).toEqual([recordFromUnknown(ROW)]);
  });

  it('a record changed after core checked it is checked again: an unstorable value still never reaches the app', async () => {
    const backend = new CheckingBackend();
    const store = storeWith(backend);
    backend.tamper = (record) => {
      record.accessToken = 'bad\uD800';
    };
    await expect(store.findToken(new OAuthToken({ userSignature: { name: 'alice' } }))).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
    await expect(store.findTokenById('r1')).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
    backend.tamper = (record) => {
      (record as unknown as Record<string, unknown>).expiresAt = 'soon';
    };
    await expect(store.getTokens()).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
  });

  it('a record core never checked (a backend returning raw rows) is checked by the kit', async () => {
    class RawBackend extends CheckingBackend {
      override async findBy(): Promise<readonly TokenRecord[]> {
        return [{ ...recordFromUnknown(ROW), clientSecret: 'x\0y' }];
      }
    }
    const store = storeWith(new RawBackend());
    await expect(store.findToken(new OAuthToken({ userSignature: { name: 'alice' } }))).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
  });

  it('a stored empty user name still reads as "no user"', async () => {
    const backend = new CheckingBackend();
    backend.records.set('r2', { ...recordFromUnknown({ id: 'r2', accessToken: 'a2' }), userName: '' });
    const store = new RecordTokenStore(backend, 'CheckingStore');
    const found = await store.findTokenById('r2');
    expect(found?.userSignature).toBeUndefined();
    expect(found?.toRecord().userName).toBeNull();
  });

  it('OAuthToken.fromRecord (public) still checks whatever it is given, a record core checked included', () => {
    const record = recordFromUnknown(ROW);
    record.refreshToken = 'bad\uDC00';
    expect(() => OAuthToken.fromRecord(record)).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }));
    const fine = recordFromUnknown(ROW);
    expect(OAuthToken.fromRecord(fine).toRecord()).toEqual(fine);
  });

  it('what recordFromUnknown returns still reads as a plain record: same fields in the same order, spread and JSON alike', () => {
    const record = recordFromUnknown(ROW);
    const plain = { ...emptyRecord(), ...ROW };
    expect(Object.keys(record)).toEqual(Object.keys(emptyRecord()));
    expect(JSON.stringify(record)).toBe(JSON.stringify(plain));
    expect({ ...record }).toEqual(plain);
  });
});
