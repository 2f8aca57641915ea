import { OAuthToken, TokenStoreError, type TokenStore } from '@tokenstore/core';

/** The record `<user|id>` names: the record with that id, else the one of that user. */
export async function findRecord(store: TokenStore, userOrId: string): Promise<OAuthToken> {
  if (userOrId === '') throw new TokenStoreError('INVALID_ARGUMENT', 'a user name or record id is required');
  const byId = await store.findTokenById(userOrId);
  if (byId !== null) return byId;
  const byUser = await store.findToken(new OAuthToken({ userSignature: { name: userOrId } }));
  if (byUser !== null) return byUser;
  throw new TokenStoreError('TOKEN_NOT_FOUND', `no token with id or user "${userOrId}"`);
}
