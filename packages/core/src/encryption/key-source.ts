import { isTokenStoreError, TokenStoreError } from '../errors.js';
import { encryptionError } from './encryption-errors.js';
import { KeyRing, type EncryptionKey } from './key-ring.js';

/** A key ring given directly: a `TOKENSTORE_KEYS`-style string, a list of keys, or a KeyRing. */
export type KeyRingInput = string | readonly EncryptionKey[] | KeyRing;

/**
 * Where an EncryptedStore gets its keys: a ring given directly, or an async provider (a KMS, a secret
 * manager) called on first use; its answer is cached for the store's life.
 */
export type KeySource = KeyRingInput | (() => KeyRingInput | Promise<KeyRingInput>);

/** The environment variable the docs use for the key list. */
export const KEYS_ENV_VARIABLE = 'TOKENSTORE_KEYS';

/** The ring in an environment variable (default `TOKENSTORE_KEYS`); INVALID_ARGUMENT when unset or malformed. */
export function keysFromEnv(name: string = KEYS_ENV_VARIABLE, env: NodeJS.ProcessEnv = process.env): KeyRing {
  const value = env[name];
  if (value === undefined || value.trim() === '') throw new TokenStoreError('INVALID_ARGUMENT', `environment variable ${name} is not set: expected "id:base64key[,id:base64key...]"`);
  return KeyRing.from(value);
}

function toRing(input: KeyRingInput): KeyRing {
  return input instanceof KeyRing ? input : KeyRing.from(input);
}

/**
 * Resolves a KeySource once. A provider's failure is not cached (the next call asks again), so a
 * secret manager that was briefly unreachable does not break the store for good.
 */
export class CachedKeyRing {
  readonly #source: KeySource;
  #ring: KeyRing | undefined;
  #pending: Promise<KeyRing> | undefined;

  constructor(source: KeySource) {
    if (source === undefined || source === null) throw new TokenStoreError('INVALID_ARGUMENT', 'encryptedStore needs { keys }');
    this.#source = source;
    // A ring given directly is checked now, so a bad configuration fails at startup, not on first use.
    if (typeof source !== 'function') this.#ring = toRing(source);
  }

  /** The ring when already resolved (the synchronous fast path), else undefined. */
  get resolved(): KeyRing | undefined {
    return this.#ring;
  }

  get(): Promise<KeyRing> | KeyRing {
    if (this.#ring) return this.#ring;
    this.#pending ??= this.#ask().finally(() => {
      this.#pending = undefined;
    });
    return this.#pending;
  }

  async #ask(): Promise<KeyRing> {
    const provider = this.#source as () => KeyRingInput | Promise<KeyRingInput>;
    let answer: KeyRingInput;
    try {
      answer = await provider();
    } catch (cause) {
      // The provider's own error may quote what it fetched: keep it as cause only when it is ours.
      throw encryptionError('KEY_PROVIDER_FAILED', 'the key provider failed', isTokenStoreError(cause) ? cause : undefined);
    }
    try {
      this.#ring = toRing(answer);
    } catch (cause) {
      throw encryptionError('KEY_PROVIDER_FAILED', 'the key provider returned no valid key ring', cause);
    }
    return this.#ring;
  }
}
