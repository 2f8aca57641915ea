import { assertStorableString } from './storable-string.js';

/** Names the user a token belongs to (Zoho: the user's email). At most one stored token per name. */
export class UserSignature {
  readonly name: string;

  constructor(name: string) {
    assertStorableString(name, 'UserSignature name');
    this.name = name;
    Object.freeze(this);
  }
}

/** Accepts a UserSignature or a plain `{ name }` object. */
export type UserSignatureLike = UserSignature | { readonly name: string };
