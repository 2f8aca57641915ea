export { AuthorizationError, AuthorizationErrorCode, type AuthorizationErrorDetails } from './authorization-errors.js';
export { createAuthorizationRequest, type AuthorizationRequest, type AuthorizationRequestOptions, type PendingAuthorization } from './authorization-request.js';
export { completeAuthorization, type CompleteAuthorizationOptions } from './complete-authorization.js';
export { type CallbackInput } from './callback-params.js';
export { createPkcePair, codeChallengeOf, type PkcePair } from './pkce.js';
