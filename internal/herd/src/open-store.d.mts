import type { TokenStore } from '@tokenstore/core';

/** A store, described so it can be sent to a child process (JSON). */
export type StoreSpec =
  | { kind: 'sqlite'; filename: string; table?: string }
  | { kind: 'file'; path: string }
  | { kind: 'postgres'; url: string; table?: string }
  | { kind: 'mysql'; url: string; table?: string }
  | { kind: 'mongo'; url: string; collection?: string; dbName?: string };

export declare function openStore(spec: StoreSpec): Promise<TokenStore>;
export declare function withoutLock(store: TokenStore): TokenStore;
export declare function describeSpec(spec: StoreSpec): string;
