import { TokenStoreError } from '@tokenstore/core';

export type StoreKind = 'sqlite' | 'file' | 'postgres' | 'mysql' | 'mongodb';

/** What a store URL names: which package opens it and with what options. */
export interface StoreLocation {
  readonly kind: StoreKind;
  /** The npm package that implements the store (installed separately). */
  readonly packageName: string;
  /** A path (sqlite, file) or the driver connection string without the CLI's own parameters. */
  readonly target: string;
  /** `table` (SQL) / `collection` (mongodb) / `schema` (postgres) query parameters. */
  readonly table?: string;
  readonly collection?: string;
  readonly schema?: string;
  /** The URL as it may be printed: any password replaced by `***`. */
  readonly display: string;
}

export const STORE_PACKAGES: Readonly<Record<StoreKind, string>> = {
  sqlite: '@tokenstore/store-sqlite',
  file: '@tokenstore/store-file',
  postgres: '@tokenstore/store-postgres',
  mysql: '@tokenstore/store-mysql',
  mongodb: '@tokenstore/store-mongo',
};

const SCHEMES: ReadonlyArray<[string, StoreKind]> = [
  ['sqlite:', 'sqlite'],
  ['file:', 'file'],
  ['postgres://', 'postgres'],
  ['postgresql://', 'postgres'],
  ['mysql://', 'mysql'],
  ['mongodb://', 'mongodb'],
  ['mongodb+srv://', 'mongodb'],
];

/** The CLI's own query parameters per kind; every other parameter goes to the driver untouched. */
const OWN_PARAMS: Readonly<Record<StoreKind, readonly string[]>> = {
  sqlite: ['table'],
  file: [],
  postgres: ['table', 'schema'],
  mysql: ['table'],
  mongodb: ['collection'],
};

/**
 * Parses `sqlite:<path>[?table=t]`, `file:<path>`, `postgres://...[?table=t&schema=s]`,
 * `mysql://...[?table=t]`, `mongodb://...[?collection=c]`. Rejects anything else with INVALID_ARGUMENT
 * (the message shows the URL without its password).
 */
export function parseStoreUrl(url: string): StoreLocation {
  if (typeof url !== 'string' || url === '') throw new TokenStoreError('INVALID_ARGUMENT', 'a store URL is required (sqlite:<path>, file:<path>, postgres://, mysql://, mongodb://)');
  const scheme = SCHEMES.find(([prefix]) => url.toLowerCase().startsWith(prefix));
  if (!scheme) {
    throw new TokenStoreError('INVALID_ARGUMENT', `unsupported store URL "${displayUrl(url)}": use sqlite:<path>, file:<path>, postgres://..., mysql://... or mongodb://...`);
  }
  const [prefix, kind] = scheme;
  const display = displayUrl(url);
  if (kind === 'sqlite' || kind === 'file') return pathLocation(kind, url.slice(prefix.length), display);
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new TokenStoreError('INVALID_ARGUMENT', `store URL "${display}" is not a valid URL`);
  }
  const own: Record<string, string> = {};
  for (const name of OWN_PARAMS[kind]) {
    const value = parsed.searchParams.get(name);
    if (value !== null) {
      if (value === '') throw new TokenStoreError('INVALID_ARGUMENT', `store URL "${display}": ${name} must not be empty`);
      own[name] = value;
      parsed.searchParams.delete(name);
    }
  }
  return { kind, packageName: STORE_PACKAGES[kind], target: parsed.toString(), display, ...own };
}

function pathLocation(kind: 'sqlite' | 'file', rest: string, display: string): StoreLocation {
  // `sqlite:///abs/path` and `sqlite://rel` are accepted too: people write URLs that way.
  let path = rest.startsWith('//') ? rest.slice(2) : rest;
  let table: string | undefined;
  const query = path.lastIndexOf('?');
  if (query !== -1) {
    const params = new URLSearchParams(path.slice(query + 1));
    for (const name of params.keys()) {
      if (!OWN_PARAMS[kind].includes(name)) throw new TokenStoreError('INVALID_ARGUMENT', `store URL "${display}": unknown parameter "${name}"`);
    }
    table = params.get('table') ?? undefined;
    path = path.slice(0, query);
  }
  if (path === '') throw new TokenStoreError('INVALID_ARGUMENT', `store URL "${display}" names no path`);
  return { kind, packageName: STORE_PACKAGES[kind], target: path, display, ...(table === undefined ? {} : { table }) };
}

/**
 * `scheme://` and everything up to the LAST `@`: the credentials as WHATWG URL parsing (the drivers')
 * ends them. A pasted, unencoded password may hold `/ ? # @ :`, and a rule stopping at the first of
 * those printed the rest of it; an `@` in a path or query makes this redact too much, never too little.
 */
const CREDENTIALS = /^([a-z][a-z0-9+.-]*:\/\/)(.*)@/is;

/** The password of `scheme://user:password@...` as written (everything after the user's first `:`), if any. */
export function urlPassword(url: string): string | undefined {
  const credentials = CREDENTIALS.exec(url)?.[2];
  const colon = credentials?.indexOf(':') ?? -1;
  return colon === -1 ? undefined : (credentials as string).slice(colon + 1);
}

/**
 * Query parameters that carry credentials, as the drivers read them: pg's `password` and `sslpassword`,
 * mysql2's `password`, MongoDB's `tlsCertificateKeyFilePassword` and `authMechanismProperties` (an
 * `AWS_SESSION_TOKEN:...`), and any other name with `pass`, `secret`, `token` or `credential` in it.
 */
const SECRET_PARAM = /([?&][^=&#]*(?:pass|secret|token|credential|authMechanismProperties)[^=&#]*=)([^&#]*)/gi;

/** The secrets of a store URL as written: its password (see urlPassword) and credential query values. */
export function urlSecrets(url: string): string[] {
  const password = urlPassword(url);
  const params = [...url.matchAll(SECRET_PARAM)].map((match) => match[2] as string);
  return [...(password === undefined ? [] : [password]), ...params].filter((secret) => secret !== '');
}

/** The URL with any password (and credential query value) replaced by `***`: they never reach the terminal. */
export function displayUrl(url: string): string {
  const password = urlPassword(url);
  let shown = url;
  if (password !== undefined) {
    const [credentials, scheme, userAndPassword] = CREDENTIALS.exec(url) as RegExpExecArray;
    const user = (userAndPassword as string).slice(0, (userAndPassword as string).length - password.length - 1);
    shown = `${scheme}${user}:***@${url.slice(credentials.length)}`;
  }
  return shown.replace(SECRET_PARAM, '$1***');
}
