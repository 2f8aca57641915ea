/**
 * The bridge: a store the official Zoho CRM SDKs accept (their six-method TokenStore), backed by any
 * tokenstore `TokenStore`, with tokenstore's refresh engine doing the refreshing.
 *
 * Why the engine and not the SDK refreshes: the SDKs read the store before every API call and, when
 * fewer than 5 s are left, refresh on their own, with no lock, so N processes (and N concurrent calls
 * in one process) each send a token request per expiry. Here every lookup the SDK makes is answered
 * with a token the engine keeps valid (single-flight in the process, the store's lease across
 * processes, the engine's skew ≥ the SDK's 5 s for any token living ≥ 10 s), so the SDK never sees an
 * expired token and never refreshes: one token request per expiry, whatever the number of processes.
 */
import {
  Initializer,
  TokenStoreError,
  createRefreshRegistry,
  isTokenStoreError,
  type Environment,
  type Logger,
  type OAuthToken,
  type RefreshOptions,
  type RefreshRegistry,
  type FetchLike,
  type TokenHooks,
  type TokenStore,
} from '@tokenstore/core';
import { sdkTokenOf, tokenOfSdk, type ZohoSdkClasses, type ZohoSdkToken } from './sdk-token.js';

export interface ZohoSdkStoreOptions {
  /** Where tokens live: any tokenstore store. Its `lock` is what makes refreshes exactly-once across processes. */
  store: TokenStore;
  /** The SDK's classes: `{ OAuthToken, UserSignature }` imported from the application's Zoho SDK. */
  sdk: ZohoSdkClasses;
  /** The accounts server the engine refreshes at: `zohoEnvironment('EU')`, or `customEnvironment(...)`. */
  environment: Environment;
  refresh?: RefreshOptions;
  logger?: Logger;
  hooks?: TokenHooks;
  fetch?: FetchLike;
}

const TOKEN_NOT_FOUND = 'TOKEN_NOT_FOUND';

/**
 * Implements the SDKs' TokenStore (findToken, findTokenById, saveToken, deleteToken, getTokens,
 * deleteTokens) over a tokenstore store. Pass it to the SDK's `InitializeBuilder().store(...)`.
 */
export class ZohoSdkStore implements ZohoSdkTokenStore {
  readonly #options: ZohoSdkStoreOptions;
  readonly #registry: RefreshRegistry = createRefreshRegistry();
  /** One engine per stored record, by id: repeated lookups are answered from memory while valid. */
  readonly #engines = new Map<string, Promise<Initializer>>();

  constructor(options: ZohoSdkStoreOptions) {
    if (options === null || typeof options !== 'object') throw new TokenStoreError('INVALID_ARGUMENT', 'ZohoSdkStore expects an options object');
    const { store, sdk, environment } = options;
    if (!store || typeof store.findToken !== 'function' || typeof store.saveToken !== 'function') throw new TokenStoreError('INVALID_ARGUMENT', 'ZohoSdkStore: store must be a tokenstore TokenStore');
    if (!sdk || typeof sdk.OAuthToken !== 'function' || typeof sdk.UserSignature !== 'function') {
      throw new TokenStoreError('INVALID_ARGUMENT', 'ZohoSdkStore: sdk must be { OAuthToken, UserSignature } from the Zoho SDK');
    }
    if (!environment || typeof environment.tokenEndpoint !== 'string') throw new TokenStoreError('INVALID_ARGUMENT', 'ZohoSdkStore: environment is required (zohoEnvironment(...) or customEnvironment(...))');
    this.#options = options;
  }

  /** The underlying tokenstore store. */
  get store(): TokenStore {
    return this.#options.store;
  }

  /**
   * The SDK's lookup before every call made with a token that has no id yet. Resolves the token in the
   * store (a new grant or refresh token is exchanged by the engine and saved), sets the id on the SDK's
   * token as the SDK's own stores do (so its next lookups go by id), and returns a valid token.
   */
  async findToken(sdkToken: ZohoSdkToken): Promise<ZohoSdkToken | null> {
    const probe = tokenOfSdk(sdkToken);
    if (probe.id !== undefined) return this.findTokenById(probe.id);
    let engine: Initializer;
    try {
      engine = await this.#initialize(probe);
    } catch (error) {
      if (isTokenStoreError(error, TOKEN_NOT_FOUND)) return null;
      throw error;
    }
    const token = await engine.getToken();
    const id = token.id as string;
    if (!this.#engines.has(id)) this.#engines.set(id, Promise.resolve(engine));
    sdkToken.setId(id);
    return sdkTokenOf(token, this.#options.sdk);
  }

  /** The SDK's lookup before every call once its token has an id: from memory while valid, refreshed exactly once otherwise. */
  async findTokenById(id: string): Promise<ZohoSdkToken | null> {
    if (typeof id !== 'string' || id === '') throw new TokenStoreError('INVALID_ARGUMENT', 'findTokenById: id must be a non-empty string');
    let pending = this.#engines.get(id);
    if (pending === undefined) {
      pending = this.#initialize({ id });
      this.#engines.set(id, pending);
      // A failed load is not remembered: the next lookup tries again.
      pending.catch(() => this.#engines.get(id) === pending && this.#engines.delete(id));
    }
    let engine: Initializer;
    try {
      engine = await pending;
    } catch (error) {
      if (isTokenStoreError(error, TOKEN_NOT_FOUND)) return null;
      throw error;
    }
    return sdkTokenOf(await engine.getToken(), this.#options.sdk);
  }

  /**
   * The SDK saves after it refreshed or exchanged a token itself (a first token without a store
   * entry, or a token that lives under 10 s). Saved through the store's usual matching; the id is set
   * on the SDK's token, which is where the SDK reads it. Resolves void, as the SDK expects.
   */
  async saveToken(sdkToken: ZohoSdkToken): Promise<void> {
    const stored = await this.#options.store.saveToken(tokenOfSdk(sdkToken));
    const id = stored.id as string;
    sdkToken.setId(id);
    // The engine in memory may hold an older copy: the next lookup reads what was just saved.
    this.#engines.delete(id);
  }

  async deleteToken(id: string): Promise<void> {
    await this.#options.store.deleteToken(id);
    this.#engines.delete(id);
  }

  async getTokens(): Promise<ZohoSdkToken[]> {
    return (await this.#options.store.getTokens()).map((token) => sdkTokenOf(token, this.#options.sdk));
  }

  async deleteTokens(): Promise<void> {
    await this.#options.store.deleteTokens();
    this.#engines.clear();
  }

  /** Waits for in-flight refreshes and pending saves. Does not close the tokenstore store (it is the application's). */
  async close(): Promise<void> {
    const engines = [...this.#engines.values()];
    this.#engines.clear();
    await Promise.all(engines.map((pending) => pending.then((engine) => engine.close(), () => undefined)));
  }

  #initialize(token: OAuthToken | { id: string }): Promise<Initializer> {
    const { store, environment, refresh, logger, hooks, fetch } = this.#options;
    return Initializer.initialize({ environment, store, token, registry: this.#registry, refresh, logger, hooks, fetch });
  }
}

/** The six methods the SDKs call, plus `close` and the underlying store. */
export interface ZohoSdkTokenStore {
  readonly store: TokenStore;
  findToken(sdkToken: ZohoSdkToken): Promise<ZohoSdkToken | null>;
  findTokenById(id: string): Promise<ZohoSdkToken | null>;
  saveToken(sdkToken: ZohoSdkToken): Promise<void>;
  deleteToken(id: string): Promise<void>;
  getTokens(): Promise<ZohoSdkToken[]>;
  deleteTokens(): Promise<void>;
  close(): Promise<void>;
}

type SdkTokenStoreClass = new () => object;
const subclasses = new WeakMap<SdkTokenStoreClass, new (bridge: ZohoSdkStore) => ZohoSdkTokenStore>();

/**
 * `zohoSdkStore({ store, sdk, environment })`: the bridge, for the SDK's `InitializeBuilder().store(...)`.
 * With `sdk.TokenStore` the result is an instance of that class (the Node.js SDK requires it),
 * delegating every method to a ZohoSdkStore.
 */
export function zohoSdkStore(options: ZohoSdkStoreOptions): ZohoSdkTokenStore {
  const bridge = new ZohoSdkStore(options);
  const Base = tokenStoreClass(options.sdk.TokenStore);
  if (Base === undefined) return bridge;
  let Subclass = subclasses.get(Base);
  if (Subclass === undefined) {
    Subclass = class extends Base implements ZohoSdkTokenStore {
      readonly #bridge: ZohoSdkStore;
      constructor(inner: ZohoSdkStore) {
        super();
        this.#bridge = inner;
      }
      get store(): TokenStore { return this.#bridge.store; }
      findToken(sdkToken: ZohoSdkToken) { return this.#bridge.findToken(sdkToken); }
      findTokenById(id: string) { return this.#bridge.findTokenById(id); }
      saveToken(sdkToken: ZohoSdkToken) { return this.#bridge.saveToken(sdkToken); }
      deleteToken(id: string) { return this.#bridge.deleteToken(id); }
      getTokens() { return this.#bridge.getTokens(); }
      deleteTokens() { return this.#bridge.deleteTokens(); }
      close() { return this.#bridge.close(); }
    };
    subclasses.set(Base, Subclass);
  }
  return new Subclass(bridge);
}

/**
 * The Node.js SDK exports `TokenStore` as its module namespace, the class being `TokenStore.TokenStore`;
 * the TypeScript SDK's namespace holds only a type (nothing to extend, and it checks nothing). All accepted.
 */
function tokenStoreClass(given: unknown): SdkTokenStoreClass | undefined {
  if (given === undefined || given === null) return undefined;
  if (typeof given === 'function') return given as SdkTokenStoreClass;
  if (typeof given !== 'object') throw new TokenStoreError('INVALID_ARGUMENT', "ZohoSdkStore: sdk.TokenStore must be the SDK's TokenStore export");
  const inner = (given as { TokenStore?: unknown }).TokenStore;
  return typeof inner === 'function' ? (inner as SdkTokenStoreClass) : undefined;
}
