/**
 * The Zoho SDKs' `expiresIn` / `expiry_time`: an absolute expiry in epoch milliseconds, written as a
 * decimal string. Only the application API of @tokenstore/core is used by this package, so the check
 * lives here: an integer, safe, nothing else (no spaces, no "1e12", no "NaN").
 */
export function epochMillis(value: string | number): number | undefined {
  const n = typeof value === 'number' ? value : /^-?\d+$/.test(value) ? Number(value) : Number.NaN;
  return Number.isSafeInteger(n) ? n : undefined;
}
