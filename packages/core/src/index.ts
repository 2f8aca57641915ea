export { TokenStoreError, StoreErrorCode, isTokenStoreError, type TokenStoreErrorOptions } from './errors.js';
export { REDACTED, redact } from './redact.js';
export { UserSignature, type UserSignatureLike } from './user-signature.js';
export { OAuthToken, type OAuthTokenInit } from './oauth-token.js';
export {
  type TokenRecord,
  type RecordField,
  type LookupField,
  RECORD_FIELDS,
  RECORD_STRING_FIELDS,
  RECORD_COLUMNS,
  LOOKUP_FIELDS,
  emptyRecord,
  recordFromUnknown,
  parseExpiresAt,
} from './token-record.js';
export type { TokenStore, RefreshLock } from './token-store.js';
export {
  type ProbeIdentifier,
  type FindBy,
  isBlank,
  probeIdentifiers,
  userMayMatch,
  identifierSelects,
  pickCandidate,
  findMatch,
  findMatchIn,
} from './matching.js';
export type { RecordBackend } from './record-backend.js';
export { RecordTokenStore } from './record-token-store.js';
export { RecordIndex } from './record-index.js';
export { recordFromColumns } from './record-columns.js';
export { UNREACHABLE_SOCKET_CODES, driverStoreError, type DriverErrorRules } from './driver-errors.js';
export { RetriedOnce } from './retried-once.js';
export { MemoryStore, type MemoryStoreOptions } from './memory-store.js';
export { MemoryLock } from './memory-lock.js';
export { generateTokenId } from './token-id.js';
export { assertIdentifierName } from './identifier-name.js';
export { validateRecord, recordOfToken } from './record-validation.js';
export { assertStorableString, unstorableReason } from './storable-string.js';
export { MAX_LEASE_TTL_MS, leaseTtl } from './lease-ttl.js';
export { type Clock, systemClock } from './clock.js';
export { type PollOptions, pollWithBackoff } from './poll.js';
// Refresh engine, Initializer and authorised requests (issue 3).
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
// Encryption at rest for any store (issue 12).
export * from './encryption/index.js';
// The front channel: authorization URL with state and PKCE, and the callback (issue 15).
export * from './authorization/index.js';
