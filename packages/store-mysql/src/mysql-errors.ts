import { UNREACHABLE_SOCKET_CODES, driverStoreError, type DriverErrorRules, TokenStoreError } from '@tokenstore/core/store-kit';

/**
 * What MySQLStore keeps of a mysql2 error as `cause`: a copy that cannot carry a token value.
 *
 * mysql2 errors are unsafe to keep: `sql` holds the statement with its values interpolated whenever
 * `query()` (rather than `execute()`) ran it, and server messages quote values, e.g. `Duplicate entry
 * '<value>' for key ...` or `Incorrect string value: '\xF0...' for column ...`. This copy has `code`,
 * `errno`, `sqlState` and `fatal`, and the server's message only for errors known not to quote values.
 */
export class MySQLDriverError extends Error {
  /** mysql2's code: `ER_DUP_ENTRY` for server errors, `ECONNREFUSED` or `PROTOCOL_CONNECTION_LOST` otherwise. */
  readonly code: string | undefined;
  /** The server's error number (1062) for server errors. */
  readonly errno: number | undefined;
  readonly sqlState: string | undefined;
  readonly fatal: boolean;

  constructor(message: string, fields: { code?: string; errno?: number; sqlState?: string; fatal?: boolean }) {
    super(message);
    this.name = 'MySQLDriverError';
    this.code = fields.code;
    this.errno = fields.errno;
    this.sqlState = fields.sqlState;
    this.fatal = fields.fatal ?? false;
  }
}

/**
 * Server errors whose messages name users, databases, tables, columns or states, never a value.
 * Everything else is reported as `MySQL error <errno> (<code>)`.
 */
const MESSAGE_SAFE_ERRNOS = new Set([
  1040, // ER_CON_COUNT_ERROR: too many connections
  1044, // ER_DBACCESS_DENIED_ERROR
  1045, // ER_ACCESS_DENIED_ERROR (names the user, never the password)
  1046, // ER_NO_DB_ERROR
  1049, // ER_BAD_DB_ERROR
  1053, // ER_SERVER_SHUTDOWN
  1054, // ER_BAD_FIELD_ERROR
  1142, // ER_TABLEACCESS_DENIED_ERROR
  1143, // ER_COLUMNACCESS_DENIED_ERROR
  1146, // ER_NO_SUCH_TABLE
  1170, // ER_BLOB_KEY_WITHOUT_LENGTH
  1205, // ER_LOCK_WAIT_TIMEOUT
  1213, // ER_LOCK_DEADLOCK
  1927, // ER_CONNECTION_KILLED (MariaDB)
  4031, // ER_CLIENT_INTERACTION_TIMEOUT (MySQL 8)
]);

/** Socket and protocol failures, and server states that mean "not reachable right now". */
const UNAVAILABLE_CODES = new Set([
  ...UNREACHABLE_SOCKET_CODES,
  'PROTOCOL_CONNECTION_LOST',
  'PROTOCOL_SEQUENCE_TIMEOUT',
  'ER_SERVER_SHUTDOWN',
  'ER_CON_COUNT_ERROR',
  'ER_CONNECTION_KILLED',
  'ER_CLIENT_INTERACTION_TIMEOUT',
  // Contention that clears by itself: retrying later succeeds.
  'ER_LOCK_DEADLOCK',
  'ER_LOCK_WAIT_TIMEOUT',
]);

/** mysql2's own errors about a connection that died under it. */
const UNAVAILABLE_CLIENT_MESSAGES = [/^Can't add new command when connection is in closed state$/, /^Connection lost/];

function field<T>(error: unknown, name: string, type: 'string' | 'number' | 'boolean'): T | undefined {
  const value = (error as Record<string, unknown> | null)?.[name];
  return typeof value === type ? (value as T) : undefined;
}

/** The value-free copy of a mysql2 (or socket) error that MySQLStore attaches as `cause`. */
export function sanitizeDriverError(error: unknown): MySQLDriverError {
  if (error instanceof MySQLDriverError) return error;
  const code = field<string>(error, 'code', 'string');
  const errno = field<number>(error, 'errno', 'number');
  const sqlState = field<string>(error, 'sqlState', 'string');
  const fields = { code, errno, sqlState, fatal: field<boolean>(error, 'fatal', 'boolean') ?? false };
  if (sqlState !== undefined && errno !== undefined) {
    // A server error: its message is the server's sqlMessage.
    const message = MESSAGE_SAFE_ERRNOS.has(errno) ? field<string>(error, 'sqlMessage', 'string') : undefined;
    return new MySQLDriverError(message ?? `MySQL error ${errno} (${code ?? 'unknown'})`, fields);
  }
  // A socket error (`connect ECONNREFUSED 127.0.0.1:3306`) or one mysql2 raises about the
  // connection: neither involves a statement's values.
  return new MySQLDriverError(error instanceof Error ? error.message : 'non-Error value thrown', fields);
}

export function isUnavailable(error: unknown): boolean {
  const code = field<string>(error, 'code', 'string');
  if (code !== undefined && UNAVAILABLE_CODES.has(code)) return true;
  const message = error instanceof Error ? error.message : '';
  return UNAVAILABLE_CLIENT_MESSAGES.some((pattern) => pattern.test(message));
}

/** mysql2 marks errors after which its connection is unusable (socket closed, protocol broken). */
export function isFatal(error: unknown): boolean {
  return field<boolean>(error, 'fatal', 'boolean') === true;
}

/** A unique key rejected the write (one record per id, one per user name). */
export function isDuplicateKey(error: unknown): boolean {
  return field<string>(error, 'code', 'string') === 'ER_DUP_ENTRY';
}

/** InnoDB chose this statement as a deadlock victim; it changed nothing. */
export function isDeadlock(error: unknown): boolean {
  return field<string>(error, 'code', 'string') === 'ER_LOCK_DEADLOCK';
}

/**
 * A write that lost to another writer: a unique key rejected it, or InnoDB chose it as the victim of a
 * deadlock among concurrent writers of one key. Either way it changed nothing, and the kit re-reads and
 * retries: STORE_CONFLICT. `what` says which write. Any other error is returned as it is.
 */
export function conflictOr(error: unknown, what: string): unknown {
  if (!isDuplicateKey(error) && !isDeadlock(error)) return error;
  return new TokenStoreError('STORE_CONFLICT', `MySQLStore: ${what}`, { cause: sanitizeDriverError(error) });
}

/** How many times a statement is run while InnoDB keeps choosing it as a deadlock victim. */
const DEADLOCK_ATTEMPTS = 5;

/**
 * Runs `statement` again when InnoDB chose it as a deadlock victim (it changed nothing), for statements
 * whose repetition is safe (a delete, a lease transaction). After DEADLOCK_ATTEMPTS the deadlock is
 * thrown as it is (STORE_UNAVAILABLE: contention that clears by itself).
 */
export async function retriedOnDeadlock<T>(statement: () => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await statement();
    } catch (error) {
      if (!isDeadlock(error) || attempt >= DEADLOCK_ATTEMPTS) throw error;
    }
  }
}

const RULES: DriverErrorRules = {
  store: 'MySQLStore',
  sanitize: sanitizeDriverError,
  isUnavailable,
  isConflict: isDuplicateKey,
  closedPool: { message: 'Pool is closed.', description: 'the mysql2 pool has been closed' },
};

/** Maps a mysql2 error to a TokenStoreError with a stable code and a value-free cause. */
export function toStoreError(error: unknown, operation: string): TokenStoreError {
  return driverStoreError(RULES, error, operation);
}
