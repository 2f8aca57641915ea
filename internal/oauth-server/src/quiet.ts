/**
 * Suppresses the one console warning we cannot configure away.
 *
 * oidc-provider prints "oidc-provider WARNING: a quick start development-only
 * feature devInteractions is enabled..." whenever a Provider is constructed
 * with devInteractions, which this server uses on purpose. Every other notice
 * (dev keystore, in-memory adapter, cookie keys, default TTL/renderError
 * helpers) is avoided by configuration instead. Only that exact message is
 * dropped, and only for the synchronous duration of `fn`.
 */
const DEV_INTERACTIONS_WARNING = 'oidc-provider WARNING: a quick start development-only feature devInteractions';

export function withoutDevInteractionsWarning<T>(fn: () => T): T {
  const original = console.warn;
  console.warn = (...args: unknown[]) => {
    if (typeof args[0] === 'string' && args[0].includes(DEV_INTERACTIONS_WARNING)) return;
    original.apply(console, args);
  };
  try {
    return fn();
  } finally {
    console.warn = original;
  }
}
