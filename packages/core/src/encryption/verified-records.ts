import type { OAuthToken } from '../oauth-token.js';
import { RECORD_FIELDS, type TokenRecord } from '../token-record.js';

/**
 * The stored records an EncryptedStore has already decrypted and verified, by their exact stored
 * form, most recently used last. Reading the same unchanged record again (an app finding its user's
 * token, a process waiting for another's refresh) then costs no AES: the answer is a pure function of
 * the stored bytes and the ring, which never changes for a store. Any change to any field is a
 * different key, verified afresh. Holds plaintext tokens, as the application process does anyway.
 */
export class VerifiedRecords {
  readonly #max: number;
  readonly #entries = new Map<string, OAuthToken>();

  constructor(max: number) {
    this.#max = max;
  }

  static keyOf(stored: TokenRecord): string {
    return JSON.stringify(RECORD_FIELDS.map((field) => stored[field]));
  }

  get(key: string): OAuthToken | undefined {
    const token = this.#entries.get(key);
    if (token !== undefined) {
      this.#entries.delete(key);
      this.#entries.set(key, token);
    }
    return token;
  }

  set(key: string, token: OAuthToken): void {
    if (this.#max <= 0) return;
    this.#entries.delete(key);
    this.#entries.set(key, token);
    if (this.#entries.size > this.#max) this.#entries.delete(this.#entries.keys().next().value as string);
  }
}
