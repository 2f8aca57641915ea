/** Encryption at rest for any TokenStore (issue 12): see ARCHITECTURE.md, "Encryption at rest". */
export { EncryptionErrorCode } from './encryption-errors.js';
export { KeyRing, parseKeyList, type EncryptionKey } from './key-ring.js';
export { keysFromEnv, KEYS_ENV_VARIABLE, type KeySource, type KeyRingInput } from './key-source.js';
export { FORMAT_PREFIX } from './stored-form.js';
export { EncryptedStore, encryptedStore, type EncryptedStoreOptions } from './encrypted-store.js';
export { keyStatus, type KeyStatus } from './key-status.js';
export { rotateKeys, type RotateKeysOptions, type RotationProgress, type RotationResult, type RotationFailure } from './rotate-keys.js';
