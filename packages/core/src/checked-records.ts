import type { TokenRecord } from './token-record.js';

/**
 * What core's read-side check (`recordFromUnknown`) returns: the checked record, as a plain record
 * with the same own fields in the same order, that also remembers privately the record as it was
 * checked. A store's backend checks every row it reads (mapping a failure to STORE_CORRUPT) and the
 * kit then makes a token of it: without this the same record was checked twice on every read.
 *
 * Why a class and not a WeakMap or a hidden property: marking an object either way cost 1-2.5 µs per
 * record on Node 20 (more than the check it saves, ~0.4 µs); a class instance costs what a plain
 * object does. Why the copy: a record is a mutable object a backend could still change after the
 * check, so it is trusted only while every field is identical (`===`) to what was checked.
 */
export class CheckedRecord implements TokenRecord {
  id: string | null;
  userName: string | null;
  clientId: string | null;
  clientSecret: string | null;
  grantToken: string | null;
  refreshToken: string | null;
  accessToken: string | null;
  redirectUrl: string | null;
  expiresAt: number | null;
  apiDomain: string | null;
  tokenType: string | null;
  scope: string | null;
  readonly #asChecked: TokenRecord;

  /** `checked` must have passed the check; it is kept, unshared, as the copy to compare with. */
  constructor(checked: TokenRecord) {
    this.id = checked.id;
    this.userName = checked.userName;
    this.clientId = checked.clientId;
    this.clientSecret = checked.clientSecret;
    this.grantToken = checked.grantToken;
    this.refreshToken = checked.refreshToken;
    this.accessToken = checked.accessToken;
    this.redirectUrl = checked.redirectUrl;
    this.expiresAt = checked.expiresAt;
    this.apiDomain = checked.apiDomain;
    this.tokenType = checked.tokenType;
    this.scope = checked.scope;
    this.#asChecked = checked;
  }

  /** The record as core checked it, if `record` is one core checked and is unchanged since; else undefined. */
  static asChecked(record: TokenRecord): TokenRecord | undefined {
    if (!(#asChecked in record)) return undefined;
    const c = record.#asChecked;
    // Spelled out rather than a loop over the field names: a keyed loop cost as much as the check.
    const same =
      record.id === c.id &&
      record.userName === c.userName &&
      record.clientId === c.clientId &&
      record.clientSecret === c.clientSecret &&
      record.grantToken === c.grantToken &&
      record.refreshToken === c.refreshToken &&
      record.accessToken === c.accessToken &&
      record.redirectUrl === c.redirectUrl &&
      record.expiresAt === c.expiresAt &&
      record.apiDomain === c.apiDomain &&
      record.tokenType === c.tokenType &&
      record.scope === c.scope;
    return same ? c : undefined;
  }
}
