/**
 * The CLI's exit codes (documented in README.md and `tokenstore --help`). Stable: scripts branch on them.
 */
export const ExitCode = {
  OK: 0,
  /** An unexpected failure (a bug): reported with its code. */
  FAILURE: 1,
  /** Bad command line or store URL (INVALID_ARGUMENT): nothing was read or written. */
  USAGE: 2,
  /** The store failed (unavailable, corrupt, conflict, closed): STORE_* codes. */
  STORE: 3,
  /** A check found a difference or a problem: `migrate` verification, `doctor`, a failed `keys rotate` record. */
  CHECK_FAILED: 4,
  /** `show`, `delete`, `revoke`: no record for that user or id. */
  NOT_FOUND: 5,
  /** The store package for the URL is not installed (STORE_PACKAGE_MISSING). */
  PACKAGE_MISSING: 6,
  /** The authorization server refused or failed (`revoke`), or encryption keys are wrong. */
  AUTHORIZATION: 7,
} as const;

export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode];

/** The exit code for an error's `code`. */
export function exitCodeOf(code: string | undefined): ExitCode {
  if (code === undefined) return ExitCode.FAILURE;
  if (code === 'INVALID_ARGUMENT' || code === 'USAGE') return ExitCode.USAGE;
  if (code === 'STORE_PACKAGE_MISSING') return ExitCode.PACKAGE_MISSING;
  if (code === 'TOKEN_NOT_FOUND') return ExitCode.NOT_FOUND;
  if (code === 'CHECK_FAILED' || code === 'VERIFY_FAILED') return ExitCode.CHECK_FAILED;
  if (code.startsWith('STORE_')) return ExitCode.STORE;
  return ExitCode.AUTHORIZATION;
}
