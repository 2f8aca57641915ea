import { createSecretKey, hkdfSync, type KeyObject } from 'node:crypto';
import { inspect } from 'node:util';
import { TokenStoreError } from '../errors.js';

/** One key of a ring: an id (stored next to every ciphertext) and 32 bytes of key material. */
export interface EncryptionKey {
  /** 1-64 characters of `A-Z a-z 0-9 . _ -`; stored in every value it encrypts, so never a secret. */
  readonly id: string;
  /** 32 random bytes, or their base64 / base64url encoding. */
  readonly key: Uint8Array | string;
}

/** The per-key subkeys, derived with HKDF-SHA256 so the AES key and the MAC key are independent. */
export interface DerivedKey {
  readonly id: string;
  readonly encryptionKey: KeyObject;
  readonly macKey: KeyObject;
}

const KEY_ID = /^[A-Za-z0-9._-]{1,64}$/;
const BASE64 = /^[A-Za-z0-9+/_-]+={0,2}$/;
const KEY_BYTES = 32;
const HKDF_SALT = Buffer.from('tokenstore encryption at rest', 'utf8');

function invalid(message: string): TokenStoreError {
  return new TokenStoreError('INVALID_ARGUMENT', message);
}

function keyMaterial(entry: EncryptionKey): Buffer {
  const { id, key } = entry;
  let bytes: Buffer;
  if (typeof key === 'string') {
    const text = key.trim();
    // Buffer.from(..., 'base64') skips bad characters silently: check the alphabet first.
    if (!BASE64.test(text)) throw invalid(`encryption key "${id}" must be base64 or base64url`);
    bytes = Buffer.from(text.replace(/-/g, '+').replace(/_/g, '/'), 'base64');
  } else if (key instanceof Uint8Array) {
    bytes = Buffer.from(key);
  } else {
    throw invalid(`encryption key "${id}" must be a string (base64) or a Uint8Array`);
  }
  if (bytes.length !== KEY_BYTES) throw invalid(`encryption key "${id}" must be ${KEY_BYTES} bytes (it has ${bytes.length})`);
  return bytes;
}

function derive(entry: EncryptionKey): DerivedKey {
  const material = keyMaterial(entry);
  const sub = (label: string) => createSecretKey(Buffer.from(hkdfSync('sha256', material, HKDF_SALT, `tse1 ${label}`, KEY_BYTES)));
  const derived = { id: entry.id, encryptionKey: sub('aes-256-gcm'), macKey: sub('hmac-sha256 siv') };
  material.fill(0);
  return Object.freeze(derived);
}

/**
 * `TOKENSTORE_KEYS` format: comma-separated `id:base64key` entries, the first one current.
 * e.g. `k2:3q2+7w...=,k1:AAEC...=`. Whitespace around entries is ignored.
 */
export function parseKeyList(text: string): EncryptionKey[] {
  if (typeof text !== 'string' || text.trim() === '') throw invalid('the key list is empty: expected "id:base64key[,id:base64key...]"');
  return text.split(',').map((entry, index) => {
    const separator = entry.indexOf(':');
    // Never echo the entry: it holds key material.
    if (separator < 0) throw invalid(`key list entry ${index + 1} must be "id:base64key"`);
    return { id: entry.slice(0, separator).trim(), key: entry.slice(separator + 1).trim() };
  });
}

/**
 * The keys an EncryptedStore knows, by id. The first is current: every write uses it; reads accept
 * any. Key material lives only in private fields and KeyObjects, so neither util.inspect, JSON nor an
 * error message can show it.
 */
export class KeyRing {
  readonly #keys: ReadonlyMap<string, DerivedKey>;
  readonly #current: DerivedKey;

  private constructor(keys: Map<string, DerivedKey>, current: DerivedKey) {
    this.#keys = keys;
    this.#current = current;
    Object.freeze(this);
  }

  /** From a `TOKENSTORE_KEYS`-style string or a list of keys (first = current). */
  static from(source: string | readonly EncryptionKey[]): KeyRing {
    const entries = typeof source === 'string' ? parseKeyList(source) : source;
    if (!Array.isArray(entries) || entries.length === 0) throw invalid('a key ring needs at least one key');
    const keys = new Map<string, DerivedKey>();
    for (const entry of entries) {
      if (entry === null || typeof entry !== 'object' || typeof entry.id !== 'string' || !KEY_ID.test(entry.id)) {
        throw invalid('every key needs an id of 1-64 characters from A-Z a-z 0-9 . _ -');
      }
      if (keys.has(entry.id)) throw invalid(`key id "${entry.id}" appears twice in the key ring`);
      keys.set(entry.id, derive(entry));
    }
    return new KeyRing(keys, keys.values().next().value as DerivedKey);
  }

  /** The key new writes use. */
  get current(): DerivedKey {
    return this.#current;
  }

  /** Every key id, current first. */
  get ids(): string[] {
    return [...this.#keys.keys()];
  }

  /** Keys in lookup order: current first, then the older ones as configured. */
  get keys(): DerivedKey[] {
    return [...this.#keys.values()];
  }

  get(id: string): DerivedKey | undefined {
    return this.#keys.get(id);
  }

  toJSON(): { keyIds: string[] } {
    return { keyIds: this.ids };
  }

  [inspect.custom](): string {
    return `KeyRing { current: '${this.#current.id}', keyIds: [${this.ids.map((id) => `'${id}'`).join(', ')}] }`;
  }
}
