import { describe, expect, it } from 'vitest';
import { MemoryLock, assertLeaseHolder, isTokenStoreError } from '../src/store-kit.js';

/** Keys and owners no lock may take: empty, an unpaired surrogate, a NUL, not a string. */
const BAD = ['', 'x\uD800y', 'ends\uD83D', 'nul\u0000inside', 42, null, undefined];

async function rejectsInvalid(call: () => unknown, what: string): Promise<void> {
  const error = await Promise.resolve().then(call).then(() => undefined, (e: unknown) => e);
  expect(isTokenStoreError(error, 'INVALID_ARGUMENT'), `${what} rejects INVALID_ARGUMENT`).toBe(true);
}

describe('assertLeaseHolder: the one rule for lock keys and owners', () => {
  it('rejects empty, unstorable and non-string keys and owners with INVALID_ARGUMENT (the message names the argument, not the value)', async () => {
    for (const bad of BAD) {
      await rejectsInvalid(() => assertLeaseHolder(bad, 'owner'), `key ${JSON.stringify(bad)}`);
      await rejectsInvalid(() => assertLeaseHolder('key', bad), `owner ${JSON.stringify(bad)}`);
    }
    expect(() => assertLeaseHolder('nul\u0000secret', 'o')).toThrow(/^lock key contains a NUL character$/);
    expect(() => assertLeaseHolder('k', 'owner\uD83D')).not.toThrow(/owner\uD83D/);
    expect(() => assertLeaseHolder('k', 'owner \uD83D\uDE00')).not.toThrow();
  });

  it('MemoryLock applies it: bad keys and owners reject on acquire and release and take or drop nothing', async () => {
    const lock = new MemoryLock();
    expect(await lock.acquire('k', 'x\uFFFDy', 60_000)).toBe(true);
    for (const bad of BAD) {
      await rejectsInvalid(() => lock.acquire(bad as string, 'a', 60_000), `acquire(key ${JSON.stringify(bad)})`);
      await rejectsInvalid(() => lock.acquire('free', bad as string, 60_000), `acquire(owner ${JSON.stringify(bad)})`);
      await rejectsInvalid(() => lock.release('k', bad as string), `release(owner ${JSON.stringify(bad)})`);
    }
    // The lone-surrogate twin of the holder neither renewed nor released the U+FFFD owner's lease.
    await rejectsInvalid(() => lock.release('k', 'x\uD800y'), 'release by the twin');
    expect(await lock.acquire('k', 'other', 60_000), 'the lease is still held').toBe(false);
    expect(await lock.acquire('free', 'b', 60_000), 'the key the rejected owners tried is free').toBe(true);
  });
});
