/**
 * Store URLs whose password holds the characters that end a URL's parts (`/ ? # @ :`) or a stray `%`,
 * unencoded, as people paste them. Whatever the CLI makes of such a URL (a parse error, a connection
 * error, a doctor report), no piece of the password is printed in any encoding.
 */
import { describe, expect, it } from 'vitest';
import { ExitCode } from '../src/exit-codes.js';
import { cli } from './helpers/in-process.js';
import { expectNoSecretPrinted } from './helpers/secret-scan.js';

/** Two halves a leak of either side of the special character would show. */
const LEFT = 'pwLeft7q';
const RIGHT = 'pwRight9z';
const SEPARATORS = ['/', '?', '#', '@', ':', '%', '@@'];

describe('hostile passwords in store URLs', () => {
  for (const scheme of ['postgres', 'mysql', 'mongodb']) {
    it(`${scheme}: a password with / ? # @ : or % (unencoded) shows in no output, whole or in part`, async () => {
      for (const separator of SEPARATORS) {
        const password = `${LEFT}${separator}${RIGHT}`;
        // Port 1: nothing listens there, so every store fails fast with its connection error (MongoDB's
        // driver after its server selection timeout, 30 s unless the URL says otherwise).
        const url = `${scheme}://tokenstore:${password}@127.0.0.1:1/tokenstore_test${scheme === 'mongodb' ? '?serverSelectionTimeoutMS=200' : ''}`;
        const { code, out, err } = await cli(['doctor', url]);
        expect(code, `${separator}: ${err}`).not.toBe(ExitCode.OK);
        expectNoSecretPrinted(out + err, [password, LEFT, RIGHT]);
      }
    });
  }

  it('a short password with @ (below the length scrubbed wherever it appears) shows in no URL printed', async () => {
    const { out, err } = await cli(['doctor', 'postgres://tokenstore:ab@cd@127.0.0.1:1/tokenstore_test']);
    expect(out + err).toContain('postgres://tokenstore:***@127.0.0.1:1/');
    expect(out + err).not.toMatch(/:\*\*\*@cd@/);
  });
});

describe('credentials in query parameters', () => {
  // Drivers take them there too: pg (`password`, `sslpassword`), mysql2 (`password`), MongoDB
  // (`authMechanismProperties=AWS_SESSION_TOKEN:...`, `tlsCertificateKeyFilePassword`).
  const secret = 'qsSecret4Tz9';
  const urls = [
    `postgres://tokenstore@127.0.0.1:1/tokenstore_test?password=${secret}`,
    `postgres://tokenstore@127.0.0.1:1/tokenstore_test?sslmode=disable&sslpassword=${secret}`,
    `mysql://tokenstore@127.0.0.1:1/tokenstore_test?password=${secret}`,
    `mongodb://127.0.0.1:1/tokenstore_test?serverSelectionTimeoutMS=200&authMechanismProperties=AWS_SESSION_TOKEN:${secret}`,
    `mongodb://127.0.0.1:1/tokenstore_test?serverSelectionTimeoutMS=200&tlsCertificateKeyFilePassword=${secret}`,
  ];
  it('a password, key password or session token in the query shows in no output', async () => {
    for (const url of urls) {
      const { code, out, err } = await cli(['doctor', url]);
      expect(code, url).not.toBe(ExitCode.OK);
      expectNoSecretPrinted(out + err, [secret]);
    }
  });
});
