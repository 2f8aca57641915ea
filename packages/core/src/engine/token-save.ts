/**
 * Turning a token response into a saved token: the token model's view of the response, the lease
 * check before the save (a successor's newer token is adopted, never overwritten), the save with its
 * retries, and keeping at least a new refresh token when the rest of a response is unusable.
 */
import { isTokenStoreError } from '../errors.js';
import type { OAuthToken } from '../oauth-token.js';
import { mergeConfigured } from './configured-token.js';
import { found, type EngineContext, type FlightResult } from './engine-context.js';
import { acceptsApiDomain } from './environments.js';
import type { RefreshReason } from './events.js';
import type { HeldToken } from './held-token.js';
import { describe } from './log-fields.js';
import { InvalidTokenResponseError, TokenPersistError } from './oauth-errors.js';
import type { RefreshLease } from './refresh-lease.js';
import { backoffDelay } from '../backoff.js';
import type { TokenResponse } from './token-response.js';

/** Saves what the server sent in answer to `base`'s refresh or grant exchange. */
export async function persistResponse(held: HeldToken, base: OAuthToken, response: TokenResponse, reason: RefreshReason, lease: RefreshLease | undefined): Promise<FlightResult> {
  const { logger, learned } = held.ctx;
  logger.addSecrets(response.accessToken, response.refreshToken);
  learned.lifetimeMs = response.expiresInMs;
  const rotated = base.refreshToken !== undefined && response.refreshToken !== undefined && response.refreshToken !== base.refreshToken;
  if (response.expiryAdjusted || response.dropped) {
    logger.warn('token response had unusable fields; see the README for how they are treated', {
      ...describe(base),
      expiresIn: response.expiryAdjusted,
      dropped: response.dropped?.join(','),
      expiresInMs: response.expiresInMs,
    });
  }
  const next = tokenFrom(held.ctx, base, withAcceptedApiDomain(held.ctx, base, response));
  if (!next) {
    // The token model refused what the server sent: keep at least its new refresh token.
    const error = new InvalidTokenResponseError('token endpoint response holds values a token cannot store');
    if (response.refreshToken !== undefined) await saveRefreshTokenOnly(held, base, response.refreshToken, lease);
    throw error;
  }
  const newer = await newerInStore(held, base, next, lease);
  if (newer) return found(newer);
  let saved: OAuthToken;
  try {
    saved = await saveWithRetries(held.ctx, next, lease);
  } catch (cause) {
    const code = isTokenStoreError(cause) ? cause.code : undefined;
    logger.error('new token obtained but NOT SAVED: kept in memory, the save will be retried', { ...describe(next), code });
    const persistError = new TokenPersistError(
      'a new token was obtained but the store could not save it; it is kept in memory and the save will be retried (call close() to flush)',
      { cause, tokenId: next.id },
    );
    return { token: next, lifetimeMs: response.expiresInMs, persistError };
  }
  logger.info(reason === 'grant' ? 'grant token exchanged' : 'access token refreshed', {
    ...describe(saved),
    reason,
    rotated,
    expiresAt: saved.expiresAt,
    expiresInMs: response.expiresInMs,
  });
  return {
    token: saved,
    lifetimeMs: response.expiresInMs,
    persistError: undefined,
    refreshed: { token: saved, tokenId: saved.id, userName: saved.userSignature?.name, expiresAt: saved.expiresAt, reason, rotated },
  };
}

/**
 * The response was unusable but carried a new refresh token: the server may already have spent the
 * one we sent, so persist the new one (no access token, no expiry: the next call refreshes with it).
 * Best effort: the caller gets the response's error either way.
 */
export async function saveRefreshTokenOnly(held: HeldToken, base: OAuthToken, refreshToken: string, lease: RefreshLease | undefined): Promise<void> {
  if (refreshToken === base.refreshToken) return; // nothing new to keep
  const { logger } = held.ctx;
  logger.addSecrets(refreshToken);
  let token: OAuthToken;
  try {
    token = base.with({ refreshToken, accessToken: null, expiresAt: null });
  } catch {
    logger.error('token response refused, and its new refresh token cannot be stored either', describe(base));
    return;
  }
  if (await newerInStore(held, base, token, lease)) return;
  try {
    held.adoptSaved(await saveWithRetries(held.ctx, token));
    logger.warn('token response refused; its new refresh token was saved', describe(held.token));
  } catch (cause) {
    // Kept in memory and retried like any unsaved token.
    held.adoptUnsaved(token);
    logger.error('token response refused and its new refresh token NOT SAVED: kept in memory, the save will be retried', { ...describe(token), code: isTokenStoreError(cause) ? cause.code : undefined });
  }
}

/**
 * `saveToken`, retried `saveRetries` times with backoff (a store failure is often brief). With `lease`
 * and a store that offers `saveAndRelease`, the save that ends a refresh gives the lease back in the
 * same round trip (the release that follows then sends nothing).
 */
async function saveWithRetries(ctx: EngineContext, token: OAuthToken, lease?: RefreshLease): Promise<OAuthToken> {
  const { store, options, logger, random } = ctx;
  const saveAndRelease = lease && store.lock?.saveAndRelease?.bind(store.lock);
  for (let attempt = 0; ; attempt++) {
    try {
      if (!saveAndRelease || !lease) return await store.saveToken(token);
      const { token: saved, released } = await saveAndRelease(token, lease.key, lease.owner);
      if (released) lease.givenBack();
      return saved;
    } catch (error) {
      if (attempt >= options.saveRetries) throw error;
      logger.warn('saving the token failed; retrying', { code: isTokenStoreError(error) ? error.code : undefined, attempt: attempt + 1 });
      await ctx.clock.sleep(backoffDelay(attempt, { baseMs: options.backoffMs, maxMs: options.maxBackoffMs, random }));
    }
  }
}

/**
 * With a lease that lapsed, a successor may have refreshed meanwhile: the token it saved, if the
 * store holds a refresh token that is neither the one we sent nor the one we got (it was issued after
 * ours). Never drop what the server just sent, and never replace a newer token with ours.
 */
async function newerInStore(held: HeldToken, base: OAuthToken, ours: OAuthToken, lease: RefreshLease | undefined): Promise<OAuthToken | undefined> {
  if (!lease || (await lease.confirmForSave())) return undefined;
  const { logger } = held.ctx;
  logger.warn('refresh lease lapsed before the save; re-reading the store', describe(ours));
  const stored = await held.reread().catch(() => null);
  const used = base.refreshToken;
  if (!stored?.refreshToken || used === undefined || stored.refreshToken === used || stored.refreshToken === ours.refreshToken) return undefined;
  const merged = mergeConfigured(stored, base);
  logger.info('a newer token is in the store; adopting it instead of saving ours', describe(merged));
  return merged;
}

/** The response, without an api_domain the environment's URL rules refuse (logged, never used). */
function withAcceptedApiDomain(ctx: EngineContext, base: OAuthToken, response: TokenResponse): TokenResponse {
  const { apiDomain } = response;
  if (apiDomain === undefined || acceptsApiDomain(ctx.client.environment, apiDomain)) return response;
  ctx.logger.warn('token response api_domain refused by the environment (https only, except loopback or allowInsecureHttp; no credentials); ignored', describe(base));
  return { ...response, apiDomain: undefined };
}

/** `base` updated with a response; undefined if the token model refuses even the essential fields. */
function tokenFrom(ctx: EngineContext, base: OAuthToken, response: TokenResponse): OAuthToken | undefined {
  const essential = { accessToken: response.accessToken, refreshToken: response.refreshToken ?? base.refreshToken, expiresAt: response.expiresAt };
  try {
    return base.with({ ...essential, apiDomain: response.apiDomain ?? base.apiDomain, tokenType: response.tokenType ?? base.tokenType, scope: response.scope ?? base.scope });
  } catch {
    // An optional field the token model refuses (its error names the field, never the value): drop them.
    ctx.logger.warn('token response fields refused by the token model; saving without api_domain, token_type and scope', describe(base));
  }
  try {
    return base.with(essential);
  } catch {
    return undefined;
  }
}
