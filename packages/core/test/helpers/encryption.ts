/** Test doubles for the encryption tests: keys, and a TokenStore written directly (not on the kit). */
import { randomBytes } from 'node:crypto';
import { generateTokenId, MemoryLock, type TokenRecord, OAuthToken, TokenStoreError, type TokenStore } from '../../src/store-kit.js';
import { findMatchIn } from '../../src/matching.js';

/** A fresh random key in the documented format. */
export const newKey = (id: string) => ({ id, key: randomBytes(32).toString('base64') });

export const SECRETS = {
  clientSecret: 'cs-7d1f0c9a-client-secret',
  grantToken: '1000.grant.5b9e1a2c77',
  refreshToken: '1000.refresh.c0ffee4242',
  accessToken: '1000.access.deadbeef99',
} as const;

/** A complete token for `user`, its secrets made unique by `tag`. */
export function fullToken(user: string, tag = user): OAuthToken {
  return new OAuthToken({
    userSignature: { name: user },
    clientId: 'client-1',
    clientSecret: `${SECRETS.clientSecret}-${tag}`,
    grantToken: `${SECRETS.grantToken}-${tag}`,
    refreshToken: `${SECRETS.refreshToken}-${tag}`,
    accessToken: `${SECRETS.accessToken}-${tag}`,
    redirectUrl: 'https://app.example/callback',
    expiresAt: 1_900_000_000_123,
    apiDomain: 'https://api.example',
    tokenType: 'Bearer',
    scope: 'read write',
  });
}

/** The four secrets of a token, for scans. */
export function secretsOf(token: OAuthToken): string[] {
  return [token.clientSecret, token.grantToken, token.refreshToken, token.accessToken].filter((v): v is string => typeof v === 'string' && v !== '');
}

/**
 * A third-party style store: implements the six methods itself over a Map (no RecordTokenStore, no
 * RecordBackend), with the matching rules from core. Counts calls and exposes the raw records.
 */
export class DirectStore implements TokenStore {
  readonly records = new Map<string, TokenRecord>();
  readonly lock = new MemoryLock();
  calls = { findToken: 0, findTokenById: 0, saveToken: 0, getTokens: 0 };
  #closed = false;

  async findToken(token: OAuthToken): Promise<OAuthToken | null> {
    this.#open();
    this.calls.findToken++;
    const match = findMatchIn(token.toRecord(), this.records.values());
    return match && OAuthToken.fromRecord(match);
  }

  async findTokenById(id: string): Promise<OAuthToken | null> {
    this.#open();
    this.calls.findTokenById++;
    const record = this.records.get(id);
    return record ? OAuthToken.fromRecord(record) : null;
  }

  async saveToken(token: OAuthToken): Promise<OAuthToken> {
    this.#open();
    this.calls.saveToken++;
    const record = token.toRecord();
    const match = findMatchIn(record, this.records.values());
    if (match === null && record.id !== null && this.records.has(record.id)) throw new TokenStoreError('STORE_CONFLICT', 'DirectStore: id taken');
    const id = match?.id ?? record.id ?? generateTokenId();
    const stored = { ...record, id, userName: record.userName ?? match?.userName ?? null };
    this.records.set(id, stored);
    return OAuthToken.fromRecord(stored);
  }

  async deleteToken(id: string): Promise<void> {
    this.records.delete(id);
  }

  async getTokens(): Promise<OAuthToken[]> {
    this.calls.getTokens++;
    return [...this.records.values()].map((record) => OAuthToken.fromRecord(record));
  }

  async deleteTokens(): Promise<void> {
    this.records.clear();
  }

  async close(): Promise<void> {
    this.#closed = true;
  }

  /** Every stored byte, as a string, for scans. */
  dump(): string {
    return JSON.stringify([...this.records.values()]);
  }

  resetCalls(): void {
    this.calls = { findToken: 0, findTokenById: 0, saveToken: 0, getTokens: 0 };
  }

  #open(): void {
    if (this.#closed) throw new TokenStoreError('STORE_CLOSED', 'DirectStore: closed');
  }
}
