/**
 * The shape of the Zoho CRM SDKs' own `OAuthToken` and `UserSignature`, as far as a TokenStore sees
 * them. Both official SDKs (`@zohocrm/typescript-sdk-8.0` 3.x, `@zohocrm/nodejs-sdk-8.0` 2.x) have
 * these getters and setters and the same constructor. The bridge never imports an SDK: the
 * application hands it its SDK's classes, so one bridge serves either SDK, whichever version the
 * application pinned, and the SDK stays the application's dependency.
 */
import { OAuthToken, TokenStoreError } from '@tokenstore/core';
import { epochMillis } from './epoch-millis.js';

export interface ZohoSdkUserSignature {
  getName(): string | null | undefined;
}

/** A Zoho SDK `OAuthToken` instance (mutable, getters and setters). */
export interface ZohoSdkToken {
  getId(): string | null | undefined;
  setId(id: string | null): void;
  getUserSignature(): ZohoSdkUserSignature | null | undefined;
  getClientId(): string | null | undefined;
  getClientSecret(): string | null | undefined;
  getGrantToken(): string | null | undefined;
  getRefreshToken(): string | null | undefined;
  getAccessToken(): string | null | undefined;
  getRedirectURL(): string | null | undefined;
  /** Absolute expiry, epoch milliseconds, as a string (the SDKs store it that way). */
  getExpiresIn(): string | null | undefined;
  setExpiresIn(expiresIn: string): void;
  getAPIDomain(): string | null | undefined;
  setAPIDomain(apiDomain: string | null): void;
}

/** The SDK's classes the bridge builds tokens with: `import { OAuthToken, UserSignature } from '@zohocrm/...'`. */
export interface ZohoSdkClasses {
  OAuthToken: new (
    clientID: string | null,
    clientSecret: string | null,
    grantToken: string | null,
    refreshToken: string | null,
    redirectURL: string | null,
    id: string | null,
    accessToken: string | null,
    userSignature: any,
  ) => ZohoSdkToken;
  UserSignature: new (name: string) => ZohoSdkUserSignature;
  /**
   * The SDK's TokenStore class. The Node.js SDK's `InitializeBuilder.store()` accepts only instances
   * of it (`instanceof`), so pass it with that SDK; the TypeScript SDK does not check. The SDK's
   * export (a module namespace holding the class, or for the TypeScript SDK only a type) is accepted as is.
   */
  TokenStore?: unknown;
}

/** Blank (null, undefined, '') is "absent" for the SDKs and for tokenstore alike. */
function present(value: string | null | undefined): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}

/** The SDK token as a tokenstore token (INVALID_ARGUMENT when a value cannot be stored as is). */
export function tokenOfSdk(sdkToken: ZohoSdkToken): OAuthToken {
  if (sdkToken === null || typeof sdkToken !== 'object' || typeof sdkToken.getRefreshToken !== 'function') {
    throw new TokenStoreError('INVALID_ARGUMENT', 'expected a Zoho SDK OAuthToken (getters such as getRefreshToken)');
  }
  const expiresIn = present(sdkToken.getExpiresIn());
  let expiresAt: number | undefined;
  if (expiresIn !== undefined) {
    expiresAt = epochMillis(expiresIn);
    if (expiresAt === undefined) throw new TokenStoreError('INVALID_ARGUMENT', "the SDK token's expiresIn is not an integer (epoch milliseconds)");
  }
  const userName = present(sdkToken.getUserSignature()?.getName());
  return new OAuthToken({
    id: present(sdkToken.getId()),
    userSignature: userName === undefined ? undefined : { name: userName },
    clientId: present(sdkToken.getClientId()),
    clientSecret: present(sdkToken.getClientSecret()),
    grantToken: present(sdkToken.getGrantToken()),
    refreshToken: present(sdkToken.getRefreshToken()),
    accessToken: present(sdkToken.getAccessToken()),
    redirectUrl: present(sdkToken.getRedirectURL()),
    expiresAt,
    apiDomain: present(sdkToken.getAPIDomain()),
  });
}

/** A new SDK token carrying the tokenstore token's fields (absent ones as null, which the SDKs test for). */
export function sdkTokenOf(token: OAuthToken, sdk: ZohoSdkClasses): ZohoSdkToken {
  const name = token.userSignature?.name;
  const sdkToken = new sdk.OAuthToken(
    token.clientId ?? null,
    token.clientSecret ?? null,
    token.grantToken ?? null,
    token.refreshToken ?? null,
    token.redirectUrl ?? null,
    token.id ?? null,
    token.accessToken ?? null,
    name === undefined ? null : new sdk.UserSignature(name),
  );
  if (token.expiresAt !== undefined) sdkToken.setExpiresIn(String(token.expiresAt));
  sdkToken.setAPIDomain(token.apiDomain ?? null);
  return sdkToken;
}
