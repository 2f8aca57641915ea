import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { REDACTED, consoleLogger, silentLogger } from '../src/index.js';
import { SafeLogger, scrubSecrets } from '../src/engine/logger.js';
import { basicCredentials, secretVariants } from './helpers/secret-variants.js';

function fakeConsole() {
  const lines: [string, string][] = [];
  const at = (level: string) => (line: string) => void lines.push([level, line]);
  return { console: { debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') }, lines };
}

describe('loggers', () => {
  it('silentLogger writes nothing and is the default', () => {
    expect(() => silentLogger.error('x')).not.toThrow();
  });

  it('consoleLogger filters by level and formats fields', () => {
    const { console, lines } = fakeConsole();
    const logger = consoleLogger({ level: 'info', console });
    logger.debug('hidden');
    logger.info('token refreshed', { tokenId: 'id-1', user: 'a b', attempt: 2, skip: undefined });
    logger.error('bad');
    expect(lines).toEqual([
      ['info', '[tokenstore] token refreshed tokenId=id-1 user="a b" attempt=2'],
      ['error', '[tokenstore] bad'],
    ]);
  });

  it('SafeLogger scrubs known secrets from messages and fields and survives a throwing logger', () => {
    const { console, lines } = fakeConsole();
    const safe = new SafeLogger(consoleLogger({ level: 'debug', console }));
    safe.addSecrets('super-secret-token', undefined, null, 'ab');
    safe.warn('saw super-secret-token here', { detail: 'and super-secret-token there', ab: 'ab' });
    expect(lines[0]?.[1]).toBe('[tokenstore] saw [redacted] here detail="and [redacted] there" ab=ab');
    const throwing = new SafeLogger({ debug: () => { throw new Error('x'); }, info: () => {}, warn: () => {}, error: () => {} });
    expect(() => throwing.debug('m')).not.toThrow();
  });

  it('scrubSecrets replaces every occurrence', () => {
    expect(scrubSecrets('a SECRET b SECRET', ['SECRET'])).toBe('a [redacted] b [redacted]');
  });
});

describe('scrubSecrets in every encoding', () => {
  // ASCII specials, spaces, quotes, backslashes, control characters, and 2-, 3- and 4-byte UTF-8.
  const secretChars = fc.constantFrom(...'aZ09+/=~&%!*()\'" \\-_.\n\té東😀'.split(/(?:)/u));
  const secret = fc.oneof(fc.array(secretChars, { minLength: 8, maxLength: 40 }).map((c) => c.join('')), fc.string({ unit: 'binary', minLength: 8, maxLength: 40 }));
  const surrounding = fc.string({ unit: 'grapheme', maxLength: 20 });

  it('finds a secret in every encoding the engine sends or a server re-encodes it to, inside any text', () => {
    fc.assert(
      fc.property(secret, fc.string({ unit: 'grapheme', minLength: 1, maxLength: 12 }), surrounding, surrounding, (value, clientId, before, after) => {
        const written = [...secretVariants(value), ...basicCredentials(clientId, value)];
        for (const variant of written) {
          const scrubbed = scrubSecrets(`${before}${variant}${after}`, [value]);
          expect(scrubbed).toContain(REDACTED);
          for (const other of written) expect(scrubbed.includes(other), `${JSON.stringify(other)} in ${JSON.stringify(scrubbed)}`).toBe(false);
        }
      }),
      { numRuns: 150 },
    );
  });

  it('finds a mix of encodings within one secret (JSON-escaped and percent-encoded characters side by side)', () => {
    expect(scrubSecrets('x=ab\\"cd%2Fef\\u00e9+gh%c3%A9 end', ['ab"cd/efé ghé'])).toBe('x=[redacted] end');
  });

  it('redacts a secret that contains a shorter one whole (longest first)', () => {
    expect(scrubSecrets('a abcd-efgh-ijkl b', ['abcd', 'abcd-efgh-ijkl'])).toBe('a [redacted] b');
  });

  it('redacts the whole base64 run around a secret, whatever precedes it in the encoded string', () => {
    const secret = 'the-client-secret-value';
    for (const id of ['a', 'ab', 'abc']) {
      const basic = Buffer.from(`${id}:${secret}`).toString('base64');
      expect(scrubSecrets(`Authorization: Basic ${basic}, ok`, [secret])).toBe('Authorization: Basic [redacted], ok');
    }
  });

  it('leaves unrelated text alone, ignores values under 4 characters, survives lone surrogates', () => {
    const text = 'refresh failed for abcd (code=INVALID_GRANT) dGhlLWNsaWVudA==';
    expect(scrubSecrets(text, ['abcd1234', 'ab', 'the-client-secret'])).toBe(text);
    expect(scrubSecrets('lone \ud800 surrogate-secret here', ['\ud800 surrogate-secret'])).toBe('lone [redacted] here');
  });

  it('SafeLogger scrubs every encoding too, and forgets only its oldest secrets past 1024', () => {
    const { console, lines } = fakeConsole();
    const safe = new SafeLogger(consoleLogger({ level: 'debug', console }));
    const secrets = Array.from({ length: 1025 }, (_, i) => `secret ${i}/+=é`);
    safe.addSecrets(...secrets);
    safe.info(`a ${encodeURIComponent(secrets[1024] as string)} b`, { form: new URLSearchParams({ s: secrets[1] as string }).toString(), b64: Buffer.from(secrets[500] as string).toString('base64') });
    expect(lines[0]?.[1]).toBe('[tokenstore] a [redacted] b form=s=[redacted] b64=[redacted]');
    expect(safe.scrub(secrets[0] as string)).toBe(secrets[0]);
  });
});
