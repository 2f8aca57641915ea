import { TokenStoreError } from '@tokenstore/core';

/**
 * The error for a mistake in what the caller hands the suite (ConformanceOptions, the module's default
 * export, its `durability` part): a TokenStoreError INVALID_ARGUMENT like every argument error in
 * tokenstore, so a caller can tell it by code from a failing store. `message` names the option.
 */
export function optionsError(message: string): TokenStoreError {
  return new TokenStoreError('INVALID_ARGUMENT', message);
}
