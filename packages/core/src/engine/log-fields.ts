/** What the engine's log lines say about a token: its id, user and client, never a secret. */
import type { OAuthToken } from '../oauth-token.js';

export function describe(token: OAuthToken): { tokenId: string | undefined; user: string | undefined; clientId: string | undefined } {
  return { tokenId: token.id, user: token.userSignature?.name, clientId: token.clientId };
}
