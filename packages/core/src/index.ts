export { TokenStoreError, StoreErrorCode, ToolErrorCode, isTokenStoreError, type TokenStoreErrorCode, type TokenStoreErrorOptions } from './errors.js';
export { REDACTED, redact } from './redact.js';
export { UserSignature, type UserSignatureLike } from './user-signature.js';
export { OAuthToken, type OAuthTokenInit } from './oauth-token.js';
export type { TokenStore, RefreshLock, LeaseAndToken, SavedAndReleased } from './token-store.js';
export { MemoryStore, type MemoryStoreOptions } from './memory-store.js';
export { type Clock, systemClock } from './clock.js';
// Store authors: @tokenstore/core/store-kit (src/store-kit.ts).
// Refresh engine, Initializer and authorised requests.
export {
  type Environment,
  type AuthorizationScheme,
  type ZohoDataCenterCode,
  type ZohoEnvironmentKind,
  type ZohoDataCenterInfo,
  type ZohoDataCenter,
  type CustomEnvironmentOptions,
  ZOHO_DATA_CENTERS,
  zohoEnvironment,
  customEnvironment,
  DataCenter,
  USDataCenter,
  EUDataCenter,
  INDataCenter,
  CNDataCenter,
  JPDataCenter,
  AUDataCenter,
  CADataCenter,
  SADataCenter,
} from './engine/environments.js';
export {
  OAuthErrorCode,
  OAuthError,
  InvalidGrantError,
  ReauthorizationRequiredError,
  InvalidClientError,
  InvalidScopeError,
  InvalidTokenResponseError,
  TransportError,
  RefreshLockTimeoutError,
  RefreshLeaseLostError,
  RefreshConflictError,
  TokenPersistError,
  TokenNotFoundError,
  type OAuthErrorDetails,
  type TransportErrorReason,
  type TransportErrorDetails,
} from './engine/oauth-errors.js';
export {
  type Logger,
  type LogLevel,
  type LogFields,
  type LogValue,
  type ConsoleLoggerOptions,
  silentLogger,
  consoleLogger,
} from './engine/logger.js';
export {
  TokenEndpointClient,
  parseRetryAfter,
  type FetchLike,
  type TokenEndpointClientOptions,
  type TokenResponse,
  type ClientCredentials,
  type GrantExchangeRequest,
  type RefreshRequest,
  type RevokeRequest,
} from './engine/token-endpoint.js';
export { createRefreshRegistry, type RefreshRegistry } from './engine/single-flight.js';
export {
  type TokenEventMap,
  type TokenEventName,
  type TokenEventListener,
  type TokenHooks,
  type TokenRefreshedEvent,
  type RefreshFailedEvent,
  type RefreshReason,
} from './engine/events.js';
export { type RefreshOptions } from './engine/refresh-options.js';
export { tokenKey } from './engine/token-key.js';
export { Initializer, type InitializeOptions } from './engine/initializer.js';
// Encryption at rest for any store.
export * from './encryption/index.js';
// The front channel: authorization URL with state and PKCE, and the callback.
export * from './authorization/index.js';
