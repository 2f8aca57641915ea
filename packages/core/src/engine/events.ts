/**
 * tokenRefreshed / refreshFailed notifications. Both are emitted after the store has answered (the
 * save completed, or failed), never before. A throwing listener is logged and ignored.
 */
import type { TokenStoreError } from '../errors.js';
import type { OAuthToken } from '../oauth-token.js';
import type { Logger } from './logger.js';

export type RefreshReason = 'expired' | 'rejected' | 'grant';

export interface TokenRefreshedEvent {
  /** The stored token (prints redacted). */
  token: OAuthToken;
  tokenId: string | undefined;
  userName: string | undefined;
  expiresAt: number | undefined;
  /** `grant`: an authorization code was exchanged; `rejected`: the API answered 401; `expired`: due. */
  reason: RefreshReason;
  /** True when the server sent a new refresh token (rotation). */
  rotated: boolean;
}

export interface RefreshFailedEvent {
  error: TokenStoreError;
  tokenId: string | undefined;
  userName: string | undefined;
}

export interface TokenEventMap {
  tokenRefreshed: TokenRefreshedEvent;
  refreshFailed: RefreshFailedEvent;
}

export type TokenEventName = keyof TokenEventMap;
export type TokenEventListener<E extends TokenEventName> = (event: TokenEventMap[E]) => void | Promise<void>;

/** Options-style hooks, equivalent to `on(...)`. */
export interface TokenHooks {
  tokenRefreshed?: TokenEventListener<'tokenRefreshed'>;
  refreshFailed?: TokenEventListener<'refreshFailed'>;
}

export class TokenEvents {
  readonly #listeners = { tokenRefreshed: new Set<TokenEventListener<'tokenRefreshed'>>(), refreshFailed: new Set<TokenEventListener<'refreshFailed'>>() };
  readonly #logger: Logger;

  constructor(logger: Logger, hooks?: TokenHooks) {
    this.#logger = logger;
    if (hooks?.tokenRefreshed) this.on('tokenRefreshed', hooks.tokenRefreshed);
    if (hooks?.refreshFailed) this.on('refreshFailed', hooks.refreshFailed);
  }

  /** Adds a listener; returns a function that removes it. */
  on<E extends TokenEventName>(name: E, listener: TokenEventListener<E>): () => void {
    const set = this.#set(name);
    set.add(listener);
    return () => this.off(name, listener);
  }

  off<E extends TokenEventName>(name: E, listener: TokenEventListener<E>): void {
    this.#set(name).delete(listener);
  }

  emit<E extends TokenEventName>(name: E, event: TokenEventMap[E]): void {
    for (const listener of [...this.#set(name)]) {
      try {
        const result = listener(event);
        if (result && typeof (result as Promise<void>).then === 'function') {
          (result as Promise<void>).then(undefined, (error: unknown) => this.#listenerFailed(name, error));
        }
      } catch (error) {
        this.#listenerFailed(name, error);
      }
    }
  }

  #set<E extends TokenEventName>(name: E): Set<TokenEventListener<E>> {
    const set = (this.#listeners as Record<string, Set<unknown> | undefined>)[name];
    if (!set) throw new TypeError(`unknown event "${String(name)}"`);
    return set as Set<TokenEventListener<E>>;
  }

  #listenerFailed(name: string, error: unknown): void {
    const code = (error as { code?: unknown } | null)?.code;
    this.#logger.warn('event listener threw', { event: name, code: typeof code === 'string' ? code : undefined });
  }
}
