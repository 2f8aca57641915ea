import { TokenStoreError, isTokenStoreError } from '@tokenstore/core';

/**
 * What MongoStore keeps of a driver error as `cause`: a copy that cannot carry a token value.
 *
 * Server errors can quote stored data: a duplicate-key error names the key's value in its message
 * (`dup key: { ... }`) and in `keyValue`, a document-validation error lists the offending fields and
 * values in `errInfo`, and FerretDB passes PostgreSQL messages through. So the original error is never
 * kept. The copy has the error's class name, code, code name and labels, and a message with anything
 * that could be a value removed: the `dup key` part, and every quoted or braced span.
 */
export class MongoDriverError extends Error {
  /** The server's numeric error code (11000, 91...), when the error came from the server. */
  readonly code: number | string | undefined;
  readonly codeName: string | undefined;
  /** The driver's error labels (`RetryableWriteError`, `ResetPool`...). */
  readonly errorLabels: readonly string[];
  /** The class name of the driver error this copies (`MongoServerError`, `MongoNetworkError`...). */
  readonly driverErrorName: string;

  constructor(message: string, fields: { code?: number | string | undefined; codeName?: string | undefined; errorLabels?: readonly string[]; driverErrorName: string }) {
    super(message);
    this.name = 'MongoDriverError';
    this.code = fields.code;
    this.codeName = fields.codeName;
    this.errorLabels = Object.freeze([...(fields.errorLabels ?? [])]);
    this.driverErrorName = fields.driverErrorName;
  }
}

/** Longest message kept from a driver error. */
const MAX_MESSAGE = 500;

/** Class names of driver errors that mean "the server cannot be reached" (checked along the prototype chain). */
const UNAVAILABLE_ERROR_CLASSES = new Set([
  'MongoNetworkError', // also MongoNetworkTimeoutError, MongoPoolClearedError (a restart clears the pool)
  'MongoServerSelectionError', // no server answered within serverSelectionTimeoutMS
  'MongoServerClosedError',
  'MongoWaitQueueTimeoutError',
  // Driver 6: an app's client whose first connection attempt failed keeps failing with this until the
  // app calls client.connect() again (the store reconnects its own client itself).
  'MongoTopologyClosedError',
]);

/** The client was closed (by its owner, when it is the app's client): the store cannot use it any more. */
const CLOSED_ERROR_CLASSES = new Set(['MongoNotConnectedError', 'MongoClientClosedError']);

/** Server error codes of states that pass by themselves: shutdown, step-down, failover, network inside a cluster. */
const UNAVAILABLE_CODES = new Set([
  6, // HostUnreachable
  7, // HostNotFound
  89, // NetworkTimeout
  91, // ShutdownInProgress
  189, // PrimarySteppedDown
  9001, // SocketException
  10107, // NotWritablePrimary
  11600, // InterruptedAtShutdown
  11602, // InterruptedDueToReplStateChange
  13435, // NotPrimaryNoSecondaryOk
  13436, // NotPrimaryOrSecondary
]);

/**
 * FerretDB reports failures of its PostgreSQL backend as InternalError (code 1) with the PostgreSQL
 * client's message. These are the ones that mean "PostgreSQL is down or restarting".
 */
const FERRETDB_BACKEND_UNAVAILABLE = /failed to connect to|dial error|SQLSTATE (?:08...|57P0[123]|53300)|conn closed|unexpected EOF/;

/** FerretDB reports a unique-index violation by an update as InternalError with PostgreSQL's SQLSTATE 23505. */
const FERRETDB_UNIQUE_VIOLATION = /SQLSTATE 23505/;

const DRIVER_CLIENT_ERRORS = /^Mongo/;

function errorClassNames(error: unknown): string[] {
  const names: string[] = [];
  for (let proto = error; proto !== null && typeof proto === 'object'; proto = Object.getPrototypeOf(proto)) {
    const name = (proto as { constructor?: { name?: unknown } }).constructor?.name;
    if (typeof name === 'string' && !names.includes(name)) names.push(name);
  }
  const own = (error as { name?: unknown } | null)?.name;
  if (typeof own === 'string' && !names.includes(own)) names.unshift(own);
  return names;
}

function codeOf(error: unknown): unknown {
  return (error as { code?: unknown } | null)?.code;
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : typeof (error as { message?: unknown } | null)?.message === 'string' ? String((error as { message: string }).message) : '';
}

/** The error came from the server (it has a server error code or a server response), not from the driver. */
function isServerError(error: unknown): boolean {
  return typeof codeOf(error) === 'number' || (typeof error === 'object' && error !== null && 'errorResponse' in error);
}

/** A unique index rejected the write: E11000 on MongoDB and FerretDB inserts, SQLSTATE 23505 on FerretDB updates. */
export function isDuplicateKeyError(error: unknown): boolean {
  const code = codeOf(error);
  if (code === 11000 || code === 11001) return true;
  return code === 1 && FERRETDB_UNIQUE_VIOLATION.test(messageOf(error));
}

export function isUnavailableError(error: unknown): boolean {
  if (errorClassNames(error).some((name) => UNAVAILABLE_ERROR_CLASSES.has(name))) return true;
  const code = codeOf(error);
  if (typeof code === 'number' && UNAVAILABLE_CODES.has(code)) return true;
  return code === 1 && FERRETDB_BACKEND_UNAVAILABLE.test(messageOf(error));
}

function isClientClosedError(error: unknown): boolean {
  return errorClassNames(error).some((name) => CLOSED_ERROR_CLASSES.has(name));
}

/** Removes from a server message everything that could be a stored value. */
function scrubServerMessage(message: string): string {
  return message
    .replace(/dup key:[\s\S]*$/, 'dup key: [removed]')
    .replace(/"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'|\{[\s\S]*\}/g, '[removed]')
    .slice(0, MAX_MESSAGE);
}

/**
 * The value-free copy of a driver error that MongoStore attaches as `cause`. Errors raised by the
 * driver itself (network, server selection, closed client) describe connections, not data; their
 * message is kept, minus any connection string the driver may quote (`Invalid connection string "..."`
 * would show a password).
 */
export function sanitizeDriverError(error: unknown, secrets: readonly string[] = []): MongoDriverError {
  if (error instanceof MongoDriverError) return error;
  const names = errorClassNames(error);
  const driverErrorName = names[0] ?? typeof error;
  const code = codeOf(error);
  const fields = {
    code: typeof code === 'number' || typeof code === 'string' ? code : undefined,
    codeName: typeof (error as { codeName?: unknown } | null)?.codeName === 'string' ? (error as { codeName: string }).codeName : undefined,
    errorLabels: labelsOf(error),
    driverErrorName,
  };
  let message: string;
  if (isServerError(error)) message = scrubServerMessage(messageOf(error));
  else if (names.some((name) => DRIVER_CLIENT_ERRORS.test(name)) || error instanceof Error) message = redactConnectionStrings(messageOf(error), secrets).slice(0, MAX_MESSAGE);
  else message = 'non-Error value thrown';
  return new MongoDriverError(message || driverErrorName, fields);
}

function labelsOf(error: unknown): string[] {
  const labels = (error as { errorLabels?: unknown } | null)?.errorLabels;
  if (Array.isArray(labels)) return labels.filter((l): l is string => typeof l === 'string');
  // Driver 6 keeps labels in a Set behind a getter-less field.
  const set = (error as { errorLabelSet?: unknown } | null)?.errorLabelSet;
  return set instanceof Set ? [...set].filter((l): l is string => typeof l === 'string') : [];
}

function redactConnectionStrings(message: string, secrets: readonly string[]): string {
  let result = message;
  for (const secret of secrets) if (secret !== '') result = result.split(secret).join('[connection string]');
  // Any other `scheme://user:password@` that slipped through.
  return result.replace(/([a-z][a-z0-9+.-]*:\/\/)[^/\s@"']*@/gi, '$1[credentials]@');
}

/** Maps a driver error to a TokenStoreError with a stable code and a value-free cause. */
export function toStoreError(error: unknown, operation: string): TokenStoreError {
  if (isTokenStoreError(error)) return error;
  const cause = sanitizeDriverError(error);
  const prefix = `MongoStore: ${operation} failed`;
  const what = cause.codeName ? `${cause.driverErrorName} ${cause.codeName}` : cause.driverErrorName;
  if (isUnavailableError(error)) {
    return new TokenStoreError('STORE_UNAVAILABLE', `${prefix}: the MongoDB server is unavailable (${what}: ${cause.message})`, { cause });
  }
  if (isClientClosedError(error)) {
    return new TokenStoreError('STORE_CLOSED', `${prefix}: the MongoClient has been closed`, { cause });
  }
  if (isDuplicateKeyError(error)) {
    return new TokenStoreError('STORE_CONFLICT', `${prefix}: a unique index rejected the write (${what})`, { cause });
  }
  return new TokenStoreError('STORE_FAILURE', `${prefix} (${what}: ${cause.message})`, { cause });
}
