import { randomBytes } from 'node:crypto';
import { inspect } from 'node:util';
import { describe, expect, it } from 'vitest';
import { EncryptedStore, KeyRing, MemoryStore, keysFromEnv, parseKeyList } from '../src/index.js';

const bytes = randomBytes(32);
const b64 = bytes.toString('base64');
const forms = [b64, b64.replace(/=+$/, ''), bytes.toString('base64url'), bytes.toString('hex'), bytes.toString('hex').toUpperCase()];

function printed(value: unknown): string {
  return [inspect(value, { depth: 20, showHidden: true }), JSON.stringify(value) ?? '', String(value)].join('\n');
}

function expectNoKey(text: string): void {
  for (const form of forms) expect(text).not.toContain(form);
}

describe('key ring configuration', () => {
  it('reads TOKENSTORE_KEYS ("id:base64,..."): the first key is current, every id is known', () => {
    const other = randomBytes(32).toString('base64url');
    const ring = keysFromEnv('TOKENSTORE_KEYS', { TOKENSTORE_KEYS: ` k2:${b64} , k1:${other}` });
    expect(ring.current.id).toBe('k2');
    expect(ring.ids).toEqual(['k2', 'k1']);
    expect(parseKeyList(`a:${b64}`)).toEqual([{ id: 'a', key: b64 }]);
  });

  it('rejects a bad configuration with INVALID_ARGUMENT and never echoes key material', () => {
    const short = randomBytes(31).toString('base64');
    const cases: [string, unknown][] = [
      ['empty', ''],
      ['no separator', b64],
      ['short key', `k1:${short}`],
      ['long key', `k1:${randomBytes(33).toString('base64')}`],
      ['bad alphabet', `k1:${b64.slice(0, -2)}!!`],
      ['duplicate id', `k1:${b64},k1:${b64}`],
      ['bad id', `k 1:${b64}`],
      ['empty list', []],
      ['key not a string', [{ id: 'k1', key: 42 }]],
    ];
    for (const [name, input] of cases) {
      let caught: unknown;
      try {
        KeyRing.from(input as string);
      } catch (error) {
        caught = error;
      }
      expect(caught, name).toMatchObject({ code: 'INVALID_ARGUMENT' });
      expectNoKey(printed(caught));
      expect(printed(caught)).not.toContain(short);
    }
    expect(() => keysFromEnv('TOKENSTORE_KEYS', {})).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }));
  });

  it('a store built with a bad ring fails at construction, not on first use', () => {
    expect(() => new EncryptedStore(new MemoryStore(), { keys: 'k1:AAAA' })).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }));
  });

  it('keeps key material out of util.inspect, JSON and String of the ring and the store', () => {
    const ring = KeyRing.from([{ id: 'k1', key: bytes }]);
    const store = new EncryptedStore(new MemoryStore(), { keys: ring });
    expect(printed(ring)).toContain('k1');
    expectNoKey(printed(ring));
    expectNoKey(printed(store));
    expectNoKey(printed(ring.current));
  });
});

describe('key provider', () => {
  it('is asked once, also by concurrent first calls, and its answer is cached', async () => {
    let calls = 0;
    const store = new EncryptedStore(new MemoryStore(), {
      keys: async () => {
        calls++;
        await new Promise((resolve) => setTimeout(resolve, 5));
        return `k1:${b64}`;
      },
    });
    await Promise.all([store.getTokens(), store.findTokenById('x'), store.keyRing()]);
    await store.getTokens();
    expect(calls).toBe(1);
    expect((await store.keyRing()).current.id).toBe('k1');
  });

  it('a failing provider gives KEY_PROVIDER_FAILED without its message, and is asked again next time', async () => {
    let calls = 0;
    const store = new EncryptedStore(new MemoryStore(), {
      keys: async () => {
        calls++;
        if (calls === 1) throw new Error(`secret manager said: ${b64}`);
        if (calls === 2) return `k1:${b64.slice(4)}`;
        return [{ id: 'k1', key: bytes }];
      },
    });
    const first = await store.getTokens().catch((error: unknown) => error);
    expect(first).toMatchObject({ code: 'KEY_PROVIDER_FAILED' });
    expectNoKey(printed(first));
    const second = await store.getTokens().catch((error: unknown) => error);
    expect(second).toMatchObject({ code: 'KEY_PROVIDER_FAILED' });
    expectNoKey(printed(second));
    await expect(store.getTokens()).resolves.toEqual([]);
    expect(calls).toBe(3);
  });
});
