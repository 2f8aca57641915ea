import { inspect } from 'node:util';
import { TokenStoreError } from './errors.js';
import { redact } from './redact.js';
import { CheckedRecord } from './checked-records.js';
import { checkRecordFields, emptyRecord, parseExpiresAt, type TokenRecord } from './token-record.js';
import { UserSignature, type UserSignatureLike } from './user-signature.js';

/** What `new OAuthToken(...)` and `token.with(...)` accept. `null` in a patch clears a field. */
export interface OAuthTokenInit {
  id?: string | null;
  userSignature?: UserSignatureLike | null;
  clientId?: string | null;
  clientSecret?: string | null;
  grantToken?: string | null;
  refreshToken?: string | null;
  accessToken?: string | null;
  redirectUrl?: string | null;
  /** Epoch milliseconds, absolute. */
  expiresAt?: number | null;
  apiDomain?: string | null;
  tokenType?: string | null;
  scope?: string | null;
}

const SECRET_FIELDS = new Set(['clientSecret', 'grantToken', 'refreshToken', 'accessToken']);

/**
 * A record fromRecord() has already validated, handed to the constructor it calls next (synchronously),
 * so a token read from a store is checked once instead of being converted to an init and back.
 */
let validatedRecord: TokenRecord | undefined;

/**
 * An OAuth 2.0 token and the client it belongs to. Immutable: `with()` returns a new token.
 *
 * The values live in a private field, so spreading, `Object.entries`, `JSON.stringify` and
 * `util.inspect` can only see what the class chooses to show: secrets (`accessToken`,
 * `refreshToken`, `grantToken`, `clientSecret`) appear as "[redacted]". Stores persist a token
 * through `toRecord()` / `OAuthToken.fromRecord()`.
 *
 * Every string (the user name included) must be well-formed UTF-16 without NUL, the rule every store
 * persists by (see `assertStorableString`); anything else throws TokenStoreError INVALID_ARGUMENT.
 */
export class OAuthToken {
  readonly #record: Readonly<TokenRecord>;

  constructor(init: OAuthTokenInit = {}) {
    const validated = validatedRecord;
    validatedRecord = undefined;
    // Not frozen: the field is private and no method writes to it, so nothing can change it, and
    // freezing a record cost ~2 µs of a ~17 µs SQLite findToken on Node 20 (every token a store returns).
    this.#record = validated ?? recordFromInit(init);
    Object.freeze(this);
  }

  /** Builds a token from its explicit serialisation (what a store persisted). */
  static fromRecord(record: TokenRecord | Record<string, unknown>): OAuthToken {
    const checked = checkRecordFields(record as Record<string, unknown>);
    if (checked.userName === '') checked.userName = null; // as the constructor does
    validatedRecord = checked;
    return new OAuthToken();
  }

  get id(): string | undefined { return this.#get('id'); }
  get userSignature(): UserSignature | undefined {
    const name = this.#record.userName;
    return name === null ? undefined : new UserSignature(name);
  }
  get clientId(): string | undefined { return this.#get('clientId'); }
  get clientSecret(): string | undefined { return this.#get('clientSecret'); }
  get grantToken(): string | undefined { return this.#get('grantToken'); }
  get refreshToken(): string | undefined { return this.#get('refreshToken'); }
  get accessToken(): string | undefined { return this.#get('accessToken'); }
  get redirectUrl(): string | undefined { return this.#get('redirectUrl'); }
  get expiresAt(): number | undefined { return this.#record.expiresAt ?? undefined; }
  get apiDomain(): string | undefined { return this.#get('apiDomain'); }
  get tokenType(): string | undefined { return this.#get('tokenType'); }
  get scope(): string | undefined { return this.#get('scope'); }

  /** A new token with the patch applied; a key set to `null` or `undefined` clears that field. */
  with(patch: OAuthTokenInit): OAuthToken {
    const init: OAuthTokenInit = { ...initFromRecord(this.#record) };
    for (const [key, value] of Object.entries(patch)) {
      (init as Record<string, unknown>)[key] = value ?? null;
    }
    return new OAuthToken(init);
  }

  /**
   * True when the access token must not be used at `now`: it is absent, its expiry is unknown, or
   * `now + skewMs` has reached `expiresAt`.
   */
  isExpired(now: number = Date.now(), skewMs = 0): boolean {
    const { accessToken, expiresAt } = this.#record;
    if (accessToken === null || accessToken === '' || expiresAt === null) return true;
    return now + skewMs >= expiresAt;
  }

  /** The explicit serialisation, secrets included. A fresh object each call. */
  toRecord(): TokenRecord {
    return { ...this.#record };
  }

  /** The redacted view used by JSON.stringify, util.inspect and logs. */
  toJSON(): Record<string, unknown> {
    const view: Record<string, unknown> = {};
    for (const [field, value] of Object.entries(this.#record)) {
      if (value === null) continue;
      const key = field === 'userName' ? 'userSignature' : field;
      if (field === 'userName') view[key] = { name: value };
      else view[key] = SECRET_FIELDS.has(field) ? redact(value as string) : value;
    }
    return view;
  }

  toString(): string {
    const { id, userName } = this.#record;
    return `OAuthToken(id=${id ?? '-'}, user=${userName ?? '-'})`;
  }

  [inspect.custom](depth: number, options: object, inspectFn: typeof inspect = inspect): string {
    return `OAuthToken ${inspectFn(this.toJSON(), { ...options, depth })}`;
  }

  #get(field: Exclude<keyof TokenRecord, 'expiresAt'>): string | undefined {
    return this.#record[field] ?? undefined;
  }
}

function recordFromInit(init: OAuthTokenInit): TokenRecord {
  if (init === null || typeof init !== 'object') throw new TokenStoreError('INVALID_ARGUMENT', 'OAuthToken expects an object');
  const { userSignature, expiresAt, ...rest } = init;
  let userName: string | null = null;
  if (userSignature !== null && userSignature !== undefined) {
    if (typeof userSignature !== 'object' || typeof userSignature.name !== 'string') {
      throw new TokenStoreError('INVALID_ARGUMENT', 'userSignature must be { name: string }');
    }
    // An empty name means "no user": it must not claim the one-record-per-user slot for ''.
    userName = userSignature.name === '' ? null : userSignature.name;
  }
  if (typeof expiresAt === 'string') throw new TokenStoreError('INVALID_ARGUMENT', 'token field "expiresAt" must be a number (epoch milliseconds)');
  const record = checkRecordFields({ ...rest, userName });
  record.expiresAt = parseExpiresAt(expiresAt);
  return { ...emptyRecord(), ...record };
}

function initFromRecord(record: Readonly<TokenRecord>): OAuthTokenInit {
  const { userName, ...rest } = record;
  return { ...rest, userSignature: userName === null ? null : { name: userName } };
}

/**
 * For core's kit only (not exported by the package): the token of a record a store's backend read.
 * A record core's read-side check produced and nobody changed since is used as checked (see
 * checked-records.ts); any other record is checked in full, exactly as `OAuthToken.fromRecord` does,
 * which stays the public entry and checks whatever an app passes it.
 */
export function tokenOfStoredRecord(record: TokenRecord): OAuthToken {
  const checked = CheckedRecord.asChecked(record);
  // '' is "no user" in a token; the rare stored '' takes the full path, which normalises it.
  if (checked === undefined || checked.userName === '') return OAuthToken.fromRecord(record);
  validatedRecord = checked;
  return new OAuthToken();
}
