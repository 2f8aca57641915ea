import { describe, expect, it } from 'vitest';
import { consoleLogger, silentLogger } from '../src/index.js';
import { SafeLogger, scrubSecrets } from '../src/engine/logger.js';

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
