import { UNREACHABLE_SOCKET_CODES, driverStoreError, type DriverErrorRules, TokenStoreError } from '@tokenstore/core/store-kit';

/**
 * What PostgresStore keeps of a pg error as `cause`: a copy that cannot carry a token value.
 *
 * pg errors for failed statements have a `detail` such as `Key (user_name)=(alice) already exists` or
 * `Failing row contains (..., <access token>, ...)`, and data exceptions (SQLSTATE class 22) quote the
 * offending value in their message. So the original error is never kept; this copy has the SQLSTATE,
 * the names of the constraint, table, column and schema involved (identifiers, not values), and the
 * message only when its class is known not to quote values.
 */
export class PostgresDriverError extends Error {
  /** SQLSTATE (`23505`) for server errors, Node's code (`ECONNREFUSED`) for socket errors. */
  readonly code: string | undefined;
  readonly severity: string | undefined;
  readonly constraint: string | undefined;
  readonly table: string | undefined;
  readonly column: string | undefined;
  readonly schema: string | undefined;

  constructor(message: string, fields: Partial<Pick<PostgresDriverError, 'code' | 'severity' | 'constraint' | 'table' | 'column' | 'schema'>>) {
    super(message);
    this.name = 'PostgresDriverError';
    this.code = fields.code;
    this.severity = fields.severity;
    this.constraint = fields.constraint;
    this.table = fields.table;
    this.column = fields.column;
    this.schema = fields.schema;
  }
}

/**
 * SQLSTATE classes whose messages name objects or states but never quote a parameter: connection (08),
 * integrity (23: the constraint's name only; values are in `detail`, which is dropped), invalid
 * transaction state (25), authorization (28), catalog/schema names (3D, 3F), transaction rollback
 * (40), syntax and access rules (42), resources (53), object state (55), operator intervention (57).
 */
const MESSAGE_SAFE_CLASSES = new Set(['08', '23', '25', '28', '3D', '3F', '40', '42', '53', '55', '57']);

/**
 * Server states that pass by themselves: administrator shutdown, crash shutdown, "the database system
 * is starting up" (57P01-57P03) and too many connections (53300). Class 08 (connection exceptions) is
 * matched by prefix below.
 */
const UNAVAILABLE_SQLSTATES = new Set(['57P01', '57P02', '57P03', '53300']);

/** Errors pg raises on the client side when a connection dies or cannot be made in time. */
const UNAVAILABLE_CLIENT_MESSAGES = [
  /^Connection terminated/,
  /^timeout exceeded when trying to connect$/,
  /^Client has encountered a connection error and is not queryable$/,
  /^Client was closed and is not queryable$/,
  /^Query read timeout$/,
];

function field(error: unknown, name: string): string | undefined {
  const value = (error as Record<string, unknown> | null)?.[name];
  return typeof value === 'string' ? value : undefined;
}

function isSqlState(code: string | undefined): code is string {
  return code !== undefined && /^[0-9A-Z]{5}$/.test(code);
}

/** The value-free copy of a pg (or socket) error that PostgresStore attaches as `cause`. */
export function sanitizeDriverError(error: unknown): PostgresDriverError {
  if (error instanceof PostgresDriverError) return error;
  const code = field(error, 'code');
  const names = {
    code,
    severity: field(error, 'severity'),
    constraint: field(error, 'constraint'),
    table: field(error, 'table'),
    column: field(error, 'column'),
    schema: field(error, 'schema'),
  };
  if (isSqlState(code)) {
    const message = MESSAGE_SAFE_CLASSES.has(code.slice(0, 2)) ? field(error, 'message') : undefined;
    return new PostgresDriverError(message ?? `PostgreSQL error ${code}`, names);
  }
  // Not a server error: a socket error (`connect ECONNREFUSED 127.0.0.1:5432`) or one pg raises
  // itself about the connection. Neither involves a statement, so neither holds a value.
  const message = error instanceof Error ? error.message : 'non-Error value thrown';
  return new PostgresDriverError(message, names);
}

export function isUnavailable(error: unknown): boolean {
  const code = field(error, 'code');
  if (code !== undefined && (UNREACHABLE_SOCKET_CODES.has(code) || UNAVAILABLE_SQLSTATES.has(code) || code.startsWith('08'))) return true;
  const message = error instanceof Error ? error.message : '';
  return UNAVAILABLE_CLIENT_MESSAGES.some((pattern) => pattern.test(message));
}

/** A unique or exclusion constraint rejected the write: one record per id, one per user name. */
export function isUniquenessViolation(error: unknown): boolean {
  const code = field(error, 'code');
  return code === '23505' || code === '23P01';
}

/** PostgreSQL failed this statement to break a deadlock (40P01); it changed nothing. */
/**
 * A replace's error as the kit expects it: a uniqueness violation (the user name is bound to another
 * record) becomes STORE_CONFLICT, with a value-free cause; anything else is returned as it is.
 */
export function userNameConflictOr(error: unknown): unknown {
  if (!isUniquenessViolation(error)) return error;
  return new TokenStoreError('STORE_CONFLICT', 'PostgresStore: the user name is bound to another record', { cause: sanitizeDriverError(error) });
}

export function isDeadlock(error: unknown): boolean {
  return field(error, 'code') === '40P01';
}

const RULES: DriverErrorRules = {
  store: 'PostgresStore',
  sanitize: sanitizeDriverError,
  isUnavailable,
  isConflict: isUniquenessViolation,
  closedPool: { message: 'Cannot use a pool after calling end on the pool', description: 'the pg pool has been ended' },
};

/** Maps a pg error to a TokenStoreError with a stable code and a value-free cause. */
export function toStoreError(error: unknown, operation: string): TokenStoreError {
  return driverStoreError(RULES, error, operation);
}
