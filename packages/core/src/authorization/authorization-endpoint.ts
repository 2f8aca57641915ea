/**
 * Where the user agent is sent to authorize. Zoho's is known per data center; any other server names
 * its own, checked by the same URL rules as the environment's configured endpoints (https, or http on
 * loopback; no credentials).
 */
import { TokenStoreError } from '../errors.js';
import { acceptsApiDomain, type Environment } from '../engine/environments.js';

export function authorizationEndpointOf(environment: Environment, configured: string | undefined): string {
  if (configured !== undefined) {
    if (typeof configured !== 'string' || !acceptsApiDomain(environment, configured)) {
      throw new TokenStoreError('INVALID_ARGUMENT', 'authorizationEndpoint must be an https URL (http only on loopback or with allowInsecureHttp), without credentials');
    }
    return configured;
  }
  if (environment.accountsUrl !== undefined) return `${environment.accountsUrl}/oauth/v2/auth`;
  throw new TokenStoreError('INVALID_ARGUMENT', `environment ${environment.name} has no known authorization endpoint: pass authorizationEndpoint`);
}
