import { inspect } from 'node:util';
import { isTokenStoreError, TokenStoreError } from '../errors.js';
import { isBlank, probeIdentifiers } from '../matching.js';
import { OAuthToken } from '../oauth-token.js';
import { recordOfToken } from '../record-validation.js';
import type { TokenRecord } from '../token-record.js';
import type { RefreshLock, TokenStore } from '../token-store.js';
import { generateTokenId } from '../token-id.js';
import type { DerivedKey, KeyRing } from './key-ring.js';
import { CachedKeyRing, type KeySource } from './key-source.js';
import { decryptRecord, encryptRecord, encryptSecret, LOOKUP_SECRET_FIELDS } from './record-cipher.js';
import { VerifiedRecords } from './verified-records.js';

export interface EncryptedStoreOptions {
  /** The key ring (first key current), or an async provider of it; see KeySource. */
  keys: KeySource;
  /**
   * Read records written before encryption was enabled (they are encrypted on their next save or by
   * rotateKeys), and look secrets up in plaintext as a last resort. Default true. Set it to false once
   * keyStatus reports no plaintext record: plaintext values are then rejected (PLAINTEXT_REJECTED) and
   * a lookup never sends a secret to the store unencrypted.
   */
  acceptPlaintext?: boolean;
  /**
   * How many verified records to remember by their exact stored form (default 1024; 0: none), so
   * re-reading an unchanged record skips decryption. Any changed byte is verified afresh.
   */
  readCacheSize?: number;
}

const LOOKUP_SECRETS = new Set<string>(LOOKUP_SECRET_FIELDS);

/**
 * A TokenStore that encrypts `clientSecret`, `grantToken`, `refreshToken` and `accessToken` before
 * they reach `inner`, and decrypts and authenticates what it reads. Works over any TokenStore (built
 * on the kit or not): it only calls the six methods, and passes `lock` and `close` through.
 *
 * Lookups by a secret encrypt the probe's value deterministically, so they stay one indexed store
 * lookup; older keys and then plaintext are tried only when the current key finds nothing.
 */
export class EncryptedStore implements TokenStore {
  readonly inner: TokenStore;
  readonly #keys: CachedKeyRing;
  readonly #acceptPlaintext: boolean;
  readonly #verified: VerifiedRecords;
  /** The lock handed out for the inner store's lock (see `lock`), made once per inner lock. */
  #lock: { inner: RefreshLock; outer: RefreshLock } | undefined;

  constructor(inner: TokenStore, options: EncryptedStoreOptions) {
    this.inner = inner;
    this.#keys = new CachedKeyRing(options?.keys);
    this.#acceptPlaintext = options.acceptPlaintext ?? true;
    const cacheSize = options.readCacheSize ?? 1024;
    if (!Number.isSafeInteger(cacheSize) || cacheSize < 0) throw new TokenStoreError('INVALID_ARGUMENT', 'readCacheSize must be a non-negative integer');
    this.#verified = new VerifiedRecords(cacheSize);
  }

  /**
   * The inner store's lock. `acquire` and `release` pass through; `acquireAndFind`, which reads a
   * record, answers it decrypted like findTokenById (passing the inner one through would hand the
   * engine ciphertext for a refresh token). `saveAndRelease` is left out: the inner one would write
   * the token unencrypted, and a save here is sealed first; the engine then saves and releases apart.
   */
  get lock(): RefreshLock | undefined {
    const inner = this.inner.lock;
    if (!inner || (!inner.acquireAndFind && !inner.saveAndRelease)) return inner;
    if (this.#lock?.inner !== inner) this.#lock = { inner, outer: this.#decryptingLock(inner) };
    return this.#lock.outer;
  }

  #decryptingLock(inner: RefreshLock): RefreshLock {
    const lock: RefreshLock = {
      acquire: (key, owner, ttlMs) => inner.acquire(key, owner, ttlMs),
      release: (key, owner) => inner.release(key, owner),
    };
    const acquireAndFind = inner.acquireAndFind?.bind(inner);
    if (acquireAndFind) {
      lock.acquireAndFind = async (key, owner, ttlMs, id) => {
        const ring = await this.keyRing();
        const { acquired, token } = await acquireAndFind(key, owner, ttlMs, id);
        return { acquired, token: token && this.#open(ring, token.toRecord()) };
      };
    }
    return lock;
  }

  /** Whether plaintext records are read (see EncryptedStoreOptions.acceptPlaintext). */
  get acceptsPlaintext(): boolean {
    return this.#acceptPlaintext;
  }

  /** The resolved key ring (asks the provider on first use). */
  async keyRing(): Promise<KeyRing> {
    return this.#keys.resolved ?? this.#keys.get();
  }

  async findToken(token: OAuthToken): Promise<OAuthToken | null> {
    const probe = recordOfToken(token);
    const ring = await this.keyRing();
    const stored = await this.#findStored(ring, probe);
    return stored && this.#open(ring, stored);
  }

  async findTokenById(id: string): Promise<OAuthToken | null> {
    const ring = await this.keyRing();
    const stored = await this.inner.findTokenById(id);
    return stored && this.#open(ring, stored.toRecord());
  }

  async saveToken(token: OAuthToken): Promise<OAuthToken> {
    // Validated in plaintext, before anything is written: the inner store only ever sees ciphertext.
    const record = recordOfToken(token);
    const ring = await this.keyRing();
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.#save(ring, record);
      } catch (error) {
        // The id this wrapper chose (the token had none) was taken meanwhile by another user's
        // concurrent adoption of the same record: resolve the match again, as the store itself would.
        if (!isBlank(record.id) || attempt >= 3 || !isTokenStoreError(error, 'STORE_CONFLICT')) throw error;
      }
    }
  }

  async #save(ring: KeyRing, record: TokenRecord): Promise<OAuthToken> {
    const key = ring.current;
    // The seal binds the record's id and user, so both must be known before writing. A token without
    // them resolves its match first (across every key and plaintext, so a legacy record is updated,
    // not duplicated); a new record gets its id here.
    let identity = { id: record.id, userName: record.userName };
    if (isBlank(record.id) || record.userName === null) {
      const match = await this.#findStored(ring, record);
      if (match) identity = { id: match.id, userName: record.userName ?? match.userName };
      else if (isBlank(record.id)) identity = { id: generateTokenId(), userName: record.userName };
    }
    let written = encryptRecord(key, { ...record, ...identity });
    let saved = (await this.inner.saveToken(OAuthToken.fromRecord(written))).toRecord();
    for (let attempt = 0; attempt < 3 && !sameIdentity(saved, written); attempt++) {
      // The store replaced another record than the one sealed for (a concurrent insert of the same
      // user won, or the id belongs to another user's record): seal again for the record it kept.
      written = encryptRecord(key, { ...record, id: saved.id, userName: saved.userName });
      saved = (await this.inner.saveToken(OAuthToken.fromRecord(written))).toRecord();
    }
    if (sameRecord(saved, written)) return OAuthToken.fromRecord({ ...record, id: saved.id, userName: saved.userName });
    return OAuthToken.fromRecord(decryptRecord(ring, saved, this.#acceptPlaintext));
  }

  async deleteToken(id: string): Promise<void> {
    await this.inner.deleteToken(id);
  }

  async getTokens(): Promise<OAuthToken[]> {
    const ring = await this.keyRing();
    return (await this.inner.getTokens()).map((token) => this.#open(ring, token.toRecord()));
  }

  async deleteTokens(): Promise<void> {
    await this.inner.deleteTokens();
  }

  async close(): Promise<void> {
    await this.inner.close?.();
  }

  /**
   * The stored record a probe matches, in whatever form it was written: the probe's secrets under the
   * current key first (the only form once a rotation is done), then each older key, then plaintext.
   * Each try is one indexed lookup of the inner store. A probe with no secret identifier needs one try.
   */
  async #findStored(ring: KeyRing, probe: TokenRecord): Promise<TokenRecord | null> {
    const forms: (DerivedKey | null)[] = [ring.current];
    if (probeIdentifiers(probe).some((identifier) => LOOKUP_SECRETS.has(identifier.field))) {
      forms.push(...ring.keys.slice(1));
      if (this.#acceptPlaintext) forms.push(null);
    }
    for (const key of forms) {
      const found = await this.inner.findToken(OAuthToken.fromRecord(probeIn(key, probe)));
      if (found) return found.toRecord();
    }
    return null;
  }

  #open(ring: KeyRing, stored: TokenRecord): OAuthToken {
    const key = VerifiedRecords.keyOf(stored);
    const known = this.#verified.get(key);
    if (known) return known;
    const token = OAuthToken.fromRecord(decryptRecord(ring, stored, this.#acceptPlaintext));
    this.#verified.set(key, token);
    return token;
  }

  [inspect.custom](): string {
    return `EncryptedStore { inner: ${this.inner.constructor?.name ?? 'TokenStore'} }`;
  }
}

/** A probe as the inner store sees it: secrets in one stored form, the client secret dropped (never an identifier). */
function probeIn(key: DerivedKey | null, probe: TokenRecord): TokenRecord {
  const copy: TokenRecord = { ...probe, clientSecret: null };
  if (key) for (const field of LOOKUP_SECRET_FIELDS) copy[field] = encryptSecret(key, field, probe[field]);
  return copy;
}

function sameIdentity(saved: TokenRecord, written: TokenRecord): boolean {
  return saved.id === written.id && saved.userName === written.userName;
}

function sameRecord(saved: TokenRecord, written: TokenRecord): boolean {
  return (Object.keys(written) as (keyof TokenRecord)[]).every((field) => saved[field] === written[field]);
}

/** Wraps `inner` so the four secret fields are encrypted at rest. See EncryptedStore. */
export function encryptedStore(inner: TokenStore, options: EncryptedStoreOptions): EncryptedStore {
  return new EncryptedStore(inner, options);
}
