/**
 * Zoho redirects back with `location` (us, eu, in, ...) and `accounts-server` (the user's accounts
 * host): the code can only be exchanged at that data center. The value comes from the query, which
 * anyone can forge, and the client secret is sent to the host chosen, so only Zoho's own accounts
 * hosts (core's ZOHO_DATA_CENTERS, exact origin) are accepted; never a host taken from the query.
 */
import { ZOHO_DATA_CENTERS, zohoEnvironment, type Environment, type ZohoDataCenterCode } from '../engine/environments.js';
import { AuthorizationError } from './authorization-errors.js';

const CODES = Object.keys(ZOHO_DATA_CENTERS) as ZohoDataCenterCode[];

/** The environment to exchange the code in: `environment` itself unless it is Zoho and the callback names another data center. */
export function callbackEnvironment(environment: Environment, params: URLSearchParams): Environment {
  if (environment.dataCenter === undefined) return environment;
  const server = params.get('accounts-server');
  const location = params.get('location');
  const byServer = server === null ? undefined : dataCenterOfAccountsServer(server);
  const byLocation = location === null ? undefined : CODES.find((code) => code.toLowerCase() === location.toLowerCase());
  if (server !== null && byServer === undefined) throw untrusted('accounts-server is not a Zoho accounts host');
  if (location !== null && byLocation === undefined) throw untrusted('location names no Zoho data center');
  if (byServer !== undefined && byLocation !== undefined && byServer !== byLocation) throw untrusted('accounts-server and location name different data centers');
  const chosen = byServer ?? byLocation;
  return chosen === undefined || chosen === environment.dataCenter ? environment : zohoEnvironment(chosen, environment.kind ?? 'production');
}

function dataCenterOfAccountsServer(value: string): ZohoDataCenterCode | undefined {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return undefined;
  }
  if (url.username || url.password || url.search || url.hash || (url.pathname !== '/' && url.pathname !== '')) return undefined;
  return CODES.find((code) => new URL(ZOHO_DATA_CENTERS[code].accountsUrl).origin === url.origin);
}

function untrusted(why: string): AuthorizationError {
  return new AuthorizationError('AUTHORIZATION_UNTRUSTED_ACCOUNTS_SERVER', `the callback's ${why}; the code was not sent anywhere`);
}
