/** What the pieces of one refresh share: the family's context and the result a flight hands back. */
import type { OAuthToken } from '../oauth-token.js';
import type { Clock } from '../clock.js';
import type { TokenStore } from '../token-store.js';
import type { TokenEvents, TokenRefreshedEvent } from './events.js';
import type { LeaseReleases } from './lease-releases.js';
import type { SafeLogger } from './logger.js';
import type { TokenPersistError } from './oauth-errors.js';
import type { ResolvedRefreshOptions } from './refresh-options.js';
import type { RefreshRegistry } from './single-flight.js';
import type { TokenEndpointClient } from './token-endpoint.js';

/** What every engine of one Initializer family (the root and its switchUser instances) shares. */
export interface EngineContext {
  readonly store: TokenStore;
  readonly client: TokenEndpointClient;
  readonly registry: RefreshRegistry;
  /** Lease releases still on their way (a refresh does not wait for its own). */
  readonly releases: LeaseReleases;
  /** Client credentials (RFC 6749 4.4): every token is requested for the client itself, again on each expiry. */
  readonly clientCredentials?: boolean;
  readonly logger: SafeLogger;
  readonly events: TokenEvents;
  readonly options: ResolvedRefreshOptions;
  readonly clock: Clock;
  readonly random: () => number;
  /** The access-token lifetime the server last granted (learned from responses). */
  readonly learned: { lifetimeMs: number | undefined };
}

/** What one refresh (a flight) ends with; every engine awaiting the flight adopts it. */
export interface FlightResult {
  token: OAuthToken;
  /** Known when the token came from the server in this flight. */
  lifetimeMs: number | undefined;
  persistError: TokenPersistError | undefined;
  /** Set when this flight saved a token from the server: emitted once the lease is given back (released in the background, or kept). */
  refreshed?: TokenRefreshedEvent;
}

/** A flight that ends with a token found (in the store or memory), not one obtained from the server. */
export function found(token: OAuthToken): FlightResult {
  return { token, lifetimeMs: undefined, persistError: undefined };
}
