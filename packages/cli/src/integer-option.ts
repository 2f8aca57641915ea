import type { TokenStoreError } from '@tokenstore/core';
import { usageError } from './cli-error.js';

/** Plain decimal digits, no sign, no leading zero: what a person types for a count. */
const PLAIN_DECIMAL = /^[1-9][0-9]*$/;

/**
 * A count option (`--batch-size 500`): a plain decimal integer from 1 to `max`, or `fallback` when the
 * option is absent. Why not Number(): it reads '0x10' as 16, '1e3' as 1000, ' 5' as 5 and
 * '9999999999999999999' as 1e19, so a typo would silently run with another value. Anything else is a
 * USAGE error (exit 2) naming the command and the option; the value is echoed JSON-quoted (an option
 * value is not a secret, and the quoting keeps control characters off the terminal).
 */
export function integerOption(command: string, option: string, value: string | undefined, fallback: number, max: number): number {
  if (value === undefined) return fallback;
  const parsed = PLAIN_DECIMAL.test(value) ? Number(value) : Number.NaN;
  if (parsed <= max) return parsed;
  throw invalidCount(command, option, value, max);
}

function invalidCount(command: string, option: string, value: string, max: number): TokenStoreError {
  const shown = JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}...` : value);
  return usageError(`${command}: ${option} must be a positive integer in plain decimal digits, at most ${max} (got ${shown}; see tokenstore ${command} --help)`);
}
