/**
 * The configured token against the stored one: which record the configured token names, and which
 * side wins per field (the store for tokens, which rotation may have replaced long ago; the
 * configuration for client settings).
 */
import { TokenStoreError } from '../errors.js';
import type { OAuthToken } from '../oauth-token.js';
import type { EngineContext } from './engine-context.js';
import { describe } from './log-fields.js';
import { TokenNotFoundError } from './oauth-errors.js';

/**
 * Resolves the configured token against the store: by id, by user signature, or by the grant /
 * refresh / access token it carries. Resolves to the token the engine starts from.
 */
export async function resolveConfigured(ctx: EngineContext, probe: OAuthToken): Promise<OAuthToken> {
  const { store, logger } = ctx;
  logger.addSecrets(probe.clientSecret, probe.grantToken, probe.refreshToken, probe.accessToken);
  const hasSecret = Boolean(probe.grantToken || probe.refreshToken || probe.accessToken);
  if ((probe.grantToken || probe.refreshToken) && !probe.clientId) {
    throw new TokenStoreError('INVALID_ARGUMENT', 'a token with a grant or refresh token needs its clientId');
  }
  if (ctx.clientCredentials) return resolveClientCredentials(ctx, probe);
  if (!hasSecret) {
    if (!probe.id && !probe.userSignature) {
      throw new TokenStoreError('INVALID_ARGUMENT', 'token needs an id, a user signature, a grant token, a refresh token or an access token');
    }
    const stored = probe.id ? await store.findTokenById(probe.id) : await store.findToken(probe);
    if (!stored) {
      throw new TokenNotFoundError(probe.id ? `no stored token with id ${probe.id}` : `no stored token for user ${probe.userSignature?.name ?? ''}`);
    }
    logger.addSecrets(stored.clientSecret, stored.grantToken, stored.refreshToken, stored.accessToken);
    logger.debug('token loaded from the store', describe(stored));
    return mergeConfigured(stored, probe);
  }
  const stored = await store.findToken(probe);
  if (!stored) {
    logger.debug('token not in the store yet', describe(probe));
    return probe;
  }
  logger.addSecrets(stored.clientSecret, stored.grantToken, stored.refreshToken, stored.accessToken);
  if (probe.grantToken && stored.grantToken !== probe.grantToken) {
    // A new authorization for a stored user: exchange the new code into the existing record.
    logger.debug('new grant token for a stored record', describe(stored));
    return probe.with({
      id: stored.id,
      userSignature: probe.userSignature ?? stored.userSignature,
      clientSecret: probe.clientSecret ?? stored.clientSecret,
      redirectUrl: probe.redirectUrl ?? stored.redirectUrl,
    });
  }
  // The store is the source of truth for refresh and access tokens: rotation may have replaced the
  // configured refresh token long ago.
  logger.debug('token loaded from the store', describe(stored));
  return mergeConfigured(stored, probe);
}

/** Client credentials: the stored token of that name if there is one, else none yet (requested on first use). */
async function resolveClientCredentials(ctx: EngineContext, probe: OAuthToken): Promise<OAuthToken> {
  if (!probe.clientId || !probe.userSignature) {
    throw new TokenStoreError('INVALID_ARGUMENT', 'a client credentials token needs its clientId and a userSignature (the name it is stored under)');
  }
  const stored = await ctx.store.findToken(probe);
  if (!stored) return probe;
  ctx.logger.addSecrets(stored.clientSecret, stored.grantToken, stored.refreshToken, stored.accessToken);
  return mergeConfigured(stored, probe);
}

/** A stored token, with the client settings of the configured one where it has them. */
export function mergeConfigured(stored: OAuthToken, configured: OAuthToken): OAuthToken {
  return stored.with({
    clientId: configured.clientId ?? stored.clientId,
    clientSecret: configured.clientSecret ?? stored.clientSecret,
    redirectUrl: configured.redirectUrl ?? stored.redirectUrl,
    userSignature: stored.userSignature ?? configured.userSignature,
    refreshToken: stored.refreshToken ?? configured.refreshToken,
  });
}
