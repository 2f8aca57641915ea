import { TokenStoreError } from '@tokenstore/core';
import { CliErrorCode } from './cli-error.js';

/** How packages are loaded: `import()` in production, replaceable in tests. */
export type PackageImporter = (name: string) => Promise<Record<string, unknown>>;

export const defaultImporter: PackageImporter = (name) => import(name) as Promise<Record<string, unknown>>;

/**
 * Loads an optional peer package (a store, @tokenstore/zoho). When it is not installed, the error
 * names the package to install; any other failure (a broken install, a missing driver *of* that
 * package) keeps its own words, since "install X" would then be the wrong advice.
 */
export async function loadPackage(name: string, purpose: string, importer: PackageImporter = defaultImporter): Promise<Record<string, unknown>> {
  try {
    return await importer(name);
  } catch (error) {
    if (isMissing(error, name)) {
      throw new TokenStoreError(CliErrorCode.STORE_PACKAGE_MISSING, `${purpose} needs the package ${name}, which is not installed: npm install ${name}`, { cause: error });
    }
    const missing = missingModuleName(error);
    if (missing !== undefined) {
      throw new TokenStoreError(CliErrorCode.STORE_PACKAGE_MISSING, `${name} needs ${missing}, which is not installed: npm install ${missing}`, { cause: error });
    }
    // A load failure is about code, not data (e.g. "does not provide an export named X": versions
    // that do not fit together), so its first line is safe to show and says what to fix.
    const why = String((error as Error)?.message ?? error).split('\n')[0];
    throw new TokenStoreError('STORE_FAILURE', `could not load ${name}: ${why}`, { cause: error });
  }
}

function isMissing(error: unknown, name: string): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  if (code !== 'ERR_MODULE_NOT_FOUND' && code !== 'MODULE_NOT_FOUND') return false;
  return missingModuleName(error) === name;
}

/** The package a module-not-found error is about (`Cannot find package 'x' imported from ...`). */
function missingModuleName(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  if (code !== 'ERR_MODULE_NOT_FOUND' && code !== 'MODULE_NOT_FOUND') return undefined;
  const message = String((error as Error).message ?? '');
  const found = /Cannot find (?:package|module) '([^']+)'/.exec(message)?.[1];
  if (found === undefined) return undefined;
  // A path inside node_modules (`.../node_modules/pg/index.js`) names the package it belongs to.
  const inModules = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(found)?.[1];
  return inModules ?? found;
}
