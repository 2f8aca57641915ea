/**
 * The provider's signing key (for ID tokens; access tokens stay opaque).
 *
 * Without `jwks`, oidc-provider falls back to a bundled development keystore
 * and prints a warning on every start. Generating a real RSA key costs tens of
 * milliseconds, so it is done once per process and shared by every server.
 */
import { generateKeyPair, type JsonWebKey } from 'node:crypto';
import { promisify } from 'node:util';

let cached: Promise<JsonWebKey> | undefined;

export function signingJwk(): Promise<JsonWebKey> {
  cached ??= promisify(generateKeyPair)('rsa', { modulusLength: 2048 }).then(({ privateKey }) => ({
    ...privateKey.export({ format: 'jwk' }),
    kid: 'oauth-test-server',
    use: 'sig',
    alg: 'RS256',
  }));
  return cached;
}
