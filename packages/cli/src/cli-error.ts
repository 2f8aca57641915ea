import { TokenStoreError } from '@tokenstore/core';

/** CLI-level error codes, on top of core's (every error the CLI prints is a TokenStoreError with a code). */
export const CliErrorCode = {
  /** Bad command line: unknown command or option, missing argument. */
  USAGE: 'USAGE',
  /** The store package a URL needs is not installed. */
  STORE_PACKAGE_MISSING: 'STORE_PACKAGE_MISSING',
  /** `migrate` found a difference between source and target after copying. */
  VERIFY_FAILED: 'VERIFY_FAILED',
  /** `doctor` or `keys rotate` found problems. */
  CHECK_FAILED: 'CHECK_FAILED',
} as const;

export function usageError(message: string): TokenStoreError {
  return new TokenStoreError(CliErrorCode.USAGE, message);
}
