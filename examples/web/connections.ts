/**
 * A user's connections, read from the token store: one record per (app user, account), its user name
 * `<app user>/<account>`. Status comes from the record itself (expiry, refresh token) and from what the
 * app saw when it last used it (a refresh that needed re-authorization), never from a secret.
 */
import type { OAuthToken, TokenStore } from '@tokenstore/core';

export interface Connection {
  id: string;
  account: string;
  validUntil: number | undefined;
  lastRefresh: number | undefined;
  status: 'valid' | 'expired, refreshes on next use' | 'needs re-authorization';
}

export const storeUserName = (appUser: string, account: string): string => `${appUser}/${account}`;

export class ConnectionStatus {
  /** Record id -> when the app last obtained a token for it (connect or refresh). */
  readonly lastRefresh = new Map<string, number>();
  /** Record ids whose grant the server refused: the user must connect again. */
  readonly reauthorizationRequired = new Set<string>();

  async list(store: TokenStore, appUser: string, now = Date.now()): Promise<Connection[]> {
    const prefix = `${appUser}/`;
    const mine = (await store.getTokens()).filter((t) => t.userSignature?.name.startsWith(prefix));
    return mine.map((token) => this.#describe(token, prefix, now)).sort((a, b) => a.account.localeCompare(b.account));
  }

  #describe(token: OAuthToken, prefix: string, now: number): Connection {
    const id = token.id as string;
    const expired = token.expiresAt === undefined || token.expiresAt <= now;
    const status = this.reauthorizationRequired.has(id) || (expired && !token.refreshToken) ? 'needs re-authorization' : expired ? 'expired, refreshes on next use' : 'valid';
    return { id, account: (token.userSignature?.name ?? '').slice(prefix.length), validUntil: token.expiresAt, lastRefresh: this.lastRefresh.get(id), status };
  }
}
