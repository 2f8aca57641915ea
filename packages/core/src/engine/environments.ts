/**
 * Where tokens come from and where authorised requests go. Zoho data centers are built in (their
 * accounts server issues tokens, their API domains serve requests); `customEnvironment` covers any
 * RFC 6749 authorization server.
 */
import { TokenStoreError } from '../errors.js';

/** How the access token is sent: RFC 6750 `Bearer`, or Zoho's `Zoho-oauthtoken`. */
export type AuthorizationScheme = 'Bearer' | 'Zoho-oauthtoken';

export interface Environment {
  /** e.g. `zoho:US:production`, or the name given to customEnvironment. */
  readonly name: string;
  /** Token endpoint (grant exchange, refresh). */
  readonly tokenEndpoint: string;
  /** RFC 7009 revocation endpoint, if the server has one. */
  readonly revocationEndpoint: string | undefined;
  /** Base URL of the API that `fetch(path)` targets. */
  readonly apiUrl: string | undefined;
  readonly authorizationScheme: AuthorizationScheme;
  /**
   * True when a token's `apiDomain` (from the token response) should be preferred over `apiUrl`
   * (Zoho production: the user's own data center answers). Sandbox and developer environments use
   * their own `apiUrl`, since `api_domain` names the production domain.
   */
  readonly preferTokenApiDomain: boolean;
  /** Zoho only: the data center and environment kind. */
  readonly dataCenter?: ZohoDataCenterCode;
  readonly kind?: ZohoEnvironmentKind;
  /** Zoho only: the accounts server. */
  readonly accountsUrl?: string;
  /** Plain `http:` allowed on hosts other than loopback (customEnvironment's option); also applies to a server-provided api_domain. */
  readonly allowInsecureHttp?: boolean;
}

export type ZohoDataCenterCode = 'US' | 'EU' | 'IN' | 'CN' | 'JP' | 'AU' | 'CA' | 'SA';
export type ZohoEnvironmentKind = 'production' | 'sandbox' | 'developer';

export interface ZohoDataCenterInfo {
  readonly accountsUrl: string;
  readonly apiUrls: Readonly<Record<ZohoEnvironmentKind, string>>;
}

function dc(accountsUrl: string, apiSuffix: string): ZohoDataCenterInfo {
  return Object.freeze({
    accountsUrl,
    apiUrls: Object.freeze({
      production: `https://www.zohoapis.${apiSuffix}`,
      sandbox: `https://sandbox.zohoapis.${apiSuffix}`,
      developer: `https://developer.zohoapis.${apiSuffix}`,
    }),
  });
}

/** Accounts and API domains of every Zoho data center (as used by Zoho's own CRM SDKs). */
export const ZOHO_DATA_CENTERS: Readonly<Record<ZohoDataCenterCode, ZohoDataCenterInfo>> = Object.freeze({
  US: dc('https://accounts.zoho.com', 'com'),
  EU: dc('https://accounts.zoho.eu', 'eu'),
  IN: dc('https://accounts.zoho.in', 'in'),
  CN: dc('https://accounts.zoho.com.cn', 'com.cn'),
  JP: dc('https://accounts.zoho.jp', 'jp'),
  AU: dc('https://accounts.zoho.com.au', 'com.au'),
  CA: dc('https://accounts.zohocloud.ca', 'ca'),
  SA: dc('https://accounts.zoho.sa', 'sa'),
});

const zohoCache = new Map<string, Environment>();

/** The environment of a Zoho data center: `zohoEnvironment('EU', 'sandbox')`. */
export function zohoEnvironment(dataCenter: ZohoDataCenterCode, kind: ZohoEnvironmentKind = 'production'): Environment {
  const info = (ZOHO_DATA_CENTERS as Record<string, ZohoDataCenterInfo | undefined>)[dataCenter];
  if (!info) throw new TokenStoreError('INVALID_ARGUMENT', `unknown Zoho data center "${String(dataCenter)}"`);
  const apiUrl = (info.apiUrls as Record<string, string | undefined>)[kind];
  if (!apiUrl) throw new TokenStoreError('INVALID_ARGUMENT', `unknown Zoho environment kind "${String(kind)}"`);
  const name = `zoho:${dataCenter}:${kind}`;
  let env = zohoCache.get(name);
  if (!env) {
    env = Object.freeze({
      name,
      tokenEndpoint: `${info.accountsUrl}/oauth/v2/token`,
      revocationEndpoint: `${info.accountsUrl}/oauth/v2/token/revoke`,
      apiUrl,
      authorizationScheme: 'Zoho-oauthtoken',
      preferTokenApiDomain: kind === 'production',
      dataCenter,
      kind,
      accountsUrl: info.accountsUrl,
    } satisfies Environment);
    zohoCache.set(name, env);
  }
  return env;
}

/** Zoho-SDK style accessors: `USDataCenter.PRODUCTION()`, `DataCenter.EU.SANDBOX()`. */
export interface ZohoDataCenter {
  PRODUCTION(): Environment;
  SANDBOX(): Environment;
  DEVELOPER(): Environment;
}

function dataCenter(code: ZohoDataCenterCode): ZohoDataCenter {
  return Object.freeze({
    PRODUCTION: () => zohoEnvironment(code, 'production'),
    SANDBOX: () => zohoEnvironment(code, 'sandbox'),
    DEVELOPER: () => zohoEnvironment(code, 'developer'),
  });
}

export const USDataCenter = dataCenter('US');
export const EUDataCenter = dataCenter('EU');
export const INDataCenter = dataCenter('IN');
export const CNDataCenter = dataCenter('CN');
export const JPDataCenter = dataCenter('JP');
export const AUDataCenter = dataCenter('AU');
export const CADataCenter = dataCenter('CA');
export const SADataCenter = dataCenter('SA');

export const DataCenter: Readonly<Record<ZohoDataCenterCode, ZohoDataCenter>> = Object.freeze({
  US: USDataCenter,
  EU: EUDataCenter,
  IN: INDataCenter,
  CN: CNDataCenter,
  JP: JPDataCenter,
  AU: AUDataCenter,
  CA: CADataCenter,
  SA: SADataCenter,
});

export interface CustomEnvironmentOptions {
  tokenEndpoint: string;
  revocationEndpoint?: string;
  apiUrl?: string;
  /** Default `Bearer`. */
  authorizationScheme?: AuthorizationScheme;
  /** Default `custom`. */
  name?: string;
  /**
   * Prefer the token's `apiDomain` over `apiUrl` for requests. Default: only when no `apiUrl` is given.
   */
  preferTokenApiDomain?: boolean;
  /**
   * Allow plain `http:` URLs on hosts other than loopback. Default false: client secrets and tokens
   * must not cross a network unencrypted.
   */
  allowInsecureHttp?: boolean;
}

/** An environment for any RFC 6749 authorization server. */
export function customEnvironment(options: CustomEnvironmentOptions): Environment {
  if (options === null || typeof options !== 'object') throw new TokenStoreError('INVALID_ARGUMENT', 'customEnvironment expects an options object');
  const insecure = options.allowInsecureHttp === true;
  const tokenEndpoint = checkUrl('tokenEndpoint', options.tokenEndpoint, insecure);
  const revocationEndpoint = options.revocationEndpoint === undefined ? undefined : checkUrl('revocationEndpoint', options.revocationEndpoint, insecure);
  const apiUrl = options.apiUrl === undefined ? undefined : checkUrl('apiUrl', options.apiUrl, insecure);
  const scheme = options.authorizationScheme ?? 'Bearer';
  if (scheme !== 'Bearer' && scheme !== 'Zoho-oauthtoken') throw new TokenStoreError('INVALID_ARGUMENT', 'authorizationScheme must be "Bearer" or "Zoho-oauthtoken"');
  return Object.freeze({
    name: options.name ?? 'custom',
    tokenEndpoint,
    revocationEndpoint,
    apiUrl,
    authorizationScheme: scheme,
    preferTokenApiDomain: options.preferTokenApiDomain ?? apiUrl === undefined,
    allowInsecureHttp: insecure,
  } satisfies Environment);
}

const LOOPBACK = new Set(['localhost', '127.0.0.1', '[::1]']);

function checkUrl(field: string, value: unknown, allowInsecureHttp: boolean): string {
  const problem = urlProblem(value, allowInsecureHttp);
  if (problem !== undefined) throw new TokenStoreError('INVALID_ARGUMENT', `${field} ${problem}`);
  return value as string;
}

/**
 * Whether `environment` would accept `value` as a configured URL: the rule for an `api_domain` the
 * token server sends (or a store holds), so a server-provided value can never send the bearer token
 * somewhere the configuration could not (plain http off loopback, credentials in the URL, another scheme).
 */
export function acceptsApiDomain(environment: Environment, value: string): boolean {
  return urlProblem(value, environment.allowInsecureHttp === true) === undefined;
}

/** Why `value` is not an acceptable endpoint URL, or undefined when it is. */
function urlProblem(value: unknown, allowInsecureHttp: boolean): string | undefined {
  if (typeof value !== 'string' || value === '') return 'must be a URL string';
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return 'is not a valid URL';
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return 'must be an http(s) URL';
  if (url.protocol === 'http:' && !allowInsecureHttp && !LOOPBACK.has(url.hostname)) {
    return 'must use https (plain http is only allowed on loopback, or with allowInsecureHttp)';
  }
  if (url.username || url.password) return 'must not contain credentials';
  return undefined;
}
