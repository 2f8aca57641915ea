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
export { MemoryStore, type MemoryStoreOptions } from './memory-store.js';
export { MemoryLock } from './memory-lock.js';
export { generateTokenId } from './token-id.js';
export { assertIdentifierName } from './identifier-name.js';
