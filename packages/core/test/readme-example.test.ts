/**
 * The README's runnable example, run as a user would (plain node, importing the built package by its
 * name), so the documentation cannot drift from the API.
 */
import { execFile } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { expect, it } from 'vitest';

const root = fileURLToPath(new URL('..', import.meta.url));
const built = existsSync(`${root}dist/index.js`);

function exampleCode(): string {
  const readme = readFileSync(`${root}README.md`, 'utf8');
  const section = readme.slice(readme.indexOf('## Runnable example'));
  const match = /```js\n([\s\S]*?)```/.exec(section);
  if (!match?.[1]) throw new Error('README has no runnable js example');
  return match[1];
}

it.skipIf(!built)('the README example runs and prints what the README says', async () => {
  const { stdout } = await promisify(execFile)(process.execPath, ['--input-type=module', '-e', exampleCode()], { cwd: root, timeout: 20_000 });
  const lines = stdout.split('\n');
  expect(lines.slice(0, 6)).toEqual([
    'tokenRefreshed reason=grant rotated=false',
    'one exchange for three callers: true',
    "API says: { user: 'ada' }",
    'tokenRefreshed reason=expired rotated=true',
    'refreshed: true',
    'stored refresh token rotated: true',
  ]);
  expect(stdout).toContain("clientSecret: '[redacted]'");
  expect(stdout).not.toContain('s3cret');
  expect(stdout).not.toMatch(/'(at|rt)-\d'/);
});
