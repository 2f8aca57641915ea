import { describe, expect, it } from 'vitest';
import { ExitCode } from '../src/exit-codes.js';
import { cli } from './helpers/in-process.js';

// Numeric options take plain decimal integers in range and nothing else: Number() would read '0x10' as
// 16, '1e3' as 1000, ' 5' as 5 and '9999999999999999999' as 1e19, so a typo would run a different
// migration than the one asked for. Bad values are usage errors (exit 2) before any store is opened.

const STORES = ['--from', 'sqlite:/nonexistent/tokenstore-source.db', '--to', 'sqlite:/nonexistent/tokenstore-target.db'];
const NOT_PLAIN_DECIMAL = ['0x10', '1e3', '9999999999999999999', ' 5', '5 ', '+5', '-5', '0', '1.5', '1_000', '０５', '', 'many', '010', '0b11', 'Infinity', '10000001'];

describe('tokenstore migrate numeric options', () => {
  for (const option of ['--batch-size', '--concurrency']) {
    it(`${option} accepts only a plain decimal integer in range (exit 2 naming the option, nothing opened)`, async () => {
      for (const bad of NOT_PLAIN_DECIMAL) {
        const { code, err } = await cli(['migrate', ...STORES, `${option}=${bad}`]);
        expect({ bad, code }).toEqual({ bad, code: ExitCode.USAGE });
        expect(err, `value ${JSON.stringify(bad)}`).toContain(`migrate: ${option} must be a positive integer`);
        expect(err, 'nothing was opened').not.toMatch(/nonexistent/);
      }
    });
  }

  it('a plain decimal in range passes validation (the command goes on to open the stores)', async () => {
    const { code, err } = await cli(['migrate', ...STORES, '--batch-size', '500', '--concurrency=8']);
    expect(err).not.toMatch(/must be a positive integer/);
    expect(code).not.toBe(ExitCode.OK);
  });
});
