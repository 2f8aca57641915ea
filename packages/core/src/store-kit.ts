/**
 * `@tokenstore/core/store-kit`: what store authors use. A store built on the kit implements a
 * RecordBackend (a handful of record primitives) and gets the six TokenStore methods, the matching
 * rules, validation and conflict retry from RecordTokenStore; a store implementing TokenStore directly
 * uses the record, validation and lease helpers here. Applications import `@tokenstore/core`.
 */
export { TokenStoreError, StoreErrorCode, ToolErrorCode, isTokenStoreError, type TokenStoreErrorCode, type TokenStoreErrorOptions } from './errors.js';
export { OAuthToken, type OAuthTokenInit } from './oauth-token.js';
export type { TokenStore, RefreshLock, LeaseAndToken, SavedAndReleased } from './token-store.js';
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
export { recordFromColumns } from './record-columns.js';
export type { RecordBackend, RecordLock } from './record-backend.js';
export { RecordTokenStore } from './record-token-store.js';
export { putRecords } from './put-records.js';
export { type StoreDiagnostics, type FileDiagnostics, lookupsWithoutIndex } from './store-diagnostics.js';
export { fileDiagnostics } from './file-diagnostics.js';
export { RecordIndex } from './record-index.js';
export { UNREACHABLE_SOCKET_CODES, driverStoreError, type DriverErrorRules } from './driver-errors.js';
export { RetriedOnce } from './retried-once.js';
export { MemoryLock } from './memory-lock.js';
export { generateTokenId } from './token-id.js';
export { assertIdentifierName } from './identifier-name.js';
export { validateRecord, recordOfToken } from './record-validation.js';
export { assertStorableString } from './storable-string.js';
export { MAX_LEASE_TTL_MS, leaseTtl } from './lease-ttl.js';
export { assertLeaseHolder } from './lease-holder.js';
export { type Clock, systemClock } from './clock.js';
export { backoffDelay, type BackoffOptions } from './backoff.js';
export { type PollOptions, pollWithBackoff } from './poll.js';
