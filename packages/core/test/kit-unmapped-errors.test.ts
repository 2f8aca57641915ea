/**
 * Errors a backend throws without mapping them (it has no `toStoreError`): the kit turns them into
 * TokenStoreErrors, on every path (operations, setup, lock, close), and keeps no value of theirs. A
 * third-party backend's raw error may quote stored data: JSON.parse of a corrupt line quotes the line,
 * a driver may quote the row it refused.
 */
import { inspect } from 'node:util';
import { describe, expect, it } from 'vitest';
import { OAuthToken, RecordTokenStore, isTokenStoreError, type RecordBackend, type RefreshLock } from '../src/store-kit.js';
import { MapBackend } from './helpers/map-backend.js';
import { secretVariants } from './helpers/secret-variants.js';

// Short enough for V8 to quote it whole (it cuts longer input after 10 characters).
const SECRET = 'rt-9f3c-x';

/** What JSON.parse says about a corrupt line holding a refresh token (V8 quotes the input). */
function quotingError(): unknown {
  try {
    JSON.parse(SECRET);
  } catch (error) {
    return error;
  }
  throw new Error('JSON.parse accepted a non-JSON string');
}

/** Fails every primitive with an error that quotes a secret, as a careless backend's driver would. */
class QuotingBackend extends MapBackend {
  readonly lock: RefreshLock = {
    acquire: async () => {
      throw quotingError();
    },
    release: async () => {
      throw quotingError();
    },
  };

  async insert(): Promise<void> {
    throw quotingError();
  }

  async replace(): Promise<boolean> {
    throw quotingError();
  }

  override async list(): Promise<never> {
    throw quotingError();
  }

  override async findBy(): Promise<never> {
    throw quotingError();
  }

  async close(): Promise<void> {
    throw Object.assign(new Error(`cannot flush ${SECRET}`), { code: 'EIO' });
  }
}

class SetupFailingBackend extends QuotingBackend {
  async setup(): Promise<void> {
    throw quotingError();
  }
}

function storeOn(backend: RecordBackend): RecordTokenStore {
  return new RecordTokenStore(backend, 'QuotingStore');
}

async function failureOf(call: () => Promise<unknown>): Promise<unknown> {
  try {
    await call();
  } catch (error) {
    return error;
  }
  throw new Error('the call resolved');
}

/** Everything an error shows (message, cause chain, own fields) must hold no form of the secret. */
function expectValueFree(error: unknown): void {
  const shown = inspect(error, { depth: 10, showHidden: true });
  for (const variant of secretVariants(SECRET)) expect(shown.includes(variant), `the error shows the secret: ${shown}`).toBe(false);
}

describe('errors a backend throws unmapped', () => {
  const token = new OAuthToken({ userSignature: { name: 'ada' }, refreshToken: SECRET, clientId: 'c' });
  const operations: Array<[string, (store: RecordTokenStore) => Promise<unknown>]> = [
    ['saveToken', (store) => store.saveToken(token)],
    ['findToken', (store) => store.findToken(token)],
    ['findTokenById', (store) => store.findTokenById('id-1')],
    ['getTokens', (store) => store.getTokens()],
    ['lock.acquire', (store) => store.lock!.acquire('key', 'owner', 1000)],
    ['lock.release', (store) => store.lock!.release('key', 'owner')],
    ['close', (store) => store.close()],
  ];

  for (const [name, call] of operations) {
    it(`${name}: a STORE_FAILURE whose cause names the error's kind, not its message`, async () => {
      const error = await failureOf(() => call(storeOn(new QuotingBackend())));
      expect(isTokenStoreError(error, 'STORE_FAILURE'), `${name} rejected with ${inspect(error)}`).toBe(true);
      expect((error as Error).message).toBe(`QuotingStore: ${name} failed`);
      expect(String((error as Error).cause)).toMatch(name === 'close' ? /^Error: Error \(EIO\)$/ : /^SyntaxError: SyntaxError$/);
      expectValueFree(error);
    });
  }

  it("a setup's unmapped error is value-free too", async () => {
    const error = await failureOf(() => storeOn(new SetupFailingBackend()).getTokens());
    expect(isTokenStoreError(error, 'STORE_FAILURE')).toBe(true);
    expectValueFree(error);
  });

  it('a backend with toStoreError keeps its own mapping (the kit adds nothing)', async () => {
    const backend = Object.assign(new QuotingBackend(), {
      toStoreError: (_error: unknown, operation: string) => new Error(`mapped ${operation}`),
    });
    await expect(storeOn(backend).getTokens()).rejects.toThrow('mapped getTokens');
    await expect(storeOn(backend).close()).rejects.toThrow('mapped close');
  });
});
