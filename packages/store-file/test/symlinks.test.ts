import { lstatSync, mkdirSync, readdirSync, readFileSync, readlinkSync, statSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { OAuthToken } from '@tokenstore/core';
import { rejectsWith } from '@tokenstore/store-testkit';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FileStore } from '../src/index.js';
import { tempDir } from './helpers.js';

// A path that is a symbolic link: writes go through to the link's target (temp file and lock next to
// the target, renamed over the target), the link stays a link, and reads through either name agree.

let dir: string;
let cleanup: () => void;
beforeEach(() => ({ dir, cleanup } = tempDir()));
afterEach(() => cleanup());

const names = async (path: string) => (await new FileStore({ path }).getTokens()).map((t) => t.userSignature?.name).sort();
const save = (path: string, name: string) => new FileStore({ path }).saveToken(new OAuthToken({ userSignature: { name }, accessToken: `at-${name}` }));

describe('a path that is a symbolic link', () => {
  for (const kind of ['relative', 'absolute'] as const) {
    it(`(${kind}) is written through: the target gets the tokens, the link stays a link`, async () => {
      mkdirSync(join(dir, 'real'));
      const target = join(dir, 'real', 'actual.json');
      await save(target, 'before');
      const link = join(dir, 'tokens.json');
      symlinkSync(kind === 'relative' ? join('real', 'actual.json') : target, link);

      await save(link, 'through-the-link');
      expect(lstatSync(link).isSymbolicLink()).toBe(true);
      expect(readlinkSync(link)).toBe(kind === 'relative' ? join('real', 'actual.json') : target);
      expect(await names(target)).toEqual(['before', 'through-the-link']);
      expect(await names(link)).toEqual(['before', 'through-the-link']);
      expect(statSync(target).mode & 0o777).toBe(0o600);
      // Temp and lock files lived next to the target, and nothing is left behind.
      expect(readdirSync(dir).sort()).toEqual(['real', 'tokens.json']);
      expect(readdirSync(join(dir, 'real'))).toEqual(['actual.json']);
    });
  }

  it('a dangling link: the first write creates the target (and its directories, 0700), keeping the link', async () => {
    const link = join(dir, 'tokens.json');
    symlinkSync(join('not', 'yet', 'tokens.json'), link);
    expect(await names(link)).toEqual([]); // a missing target is an empty store, as a missing file is
    await save(link, 'first');
    expect(lstatSync(link).isSymbolicLink()).toBe(true);
    expect(await names(join(dir, 'not', 'yet', 'tokens.json'))).toEqual(['first']);
    expect(statSync(join(dir, 'not', 'yet', 'tokens.json')).mode & 0o777).toBe(0o600);
    expect(statSync(join(dir, 'not')).mode & 0o777).toBe(0o700);
  });

  it('a chain of links, and a link to a directory on the way, resolve to the one file', async () => {
    mkdirSync(join(dir, 'real'));
    symlinkSync('real', join(dir, 'dirlink'));
    symlinkSync(join('dirlink', 'actual.json'), join(dir, 'second'));
    symlinkSync('second', join(dir, 'first'));
    await save(join(dir, 'first'), 'chained');
    expect(lstatSync(join(dir, 'first')).isSymbolicLink()).toBe(true);
    expect(lstatSync(join(dir, 'second')).isSymbolicLink()).toBe(true);
    expect(await names(join(dir, 'real', 'actual.json'))).toEqual(['chained']);
  });

  it('two links to one file share its lock: concurrent saves through both lose nothing', async () => {
    const target = join(dir, 'actual.json');
    symlinkSync('actual.json', join(dir, 'a.json'));
    symlinkSync(target, join(dir, 'b.json'));
    const a = new FileStore({ path: join(dir, 'a.json') });
    const b = new FileStore({ path: join(dir, 'b.json') });
    await Promise.all(Array.from({ length: 20 }, (_, i) => (i % 2 ? a : b).saveToken(new OAuthToken({ userSignature: { name: `u${i}` }, accessToken: 'x' }))));
    expect(await names(target)).toHaveLength(20);
  });

  it('a loop of links is INVALID_ARGUMENT; nothing is created', async () => {
    symlinkSync('loop-b', join(dir, 'loop-a'));
    symlinkSync('loop-a', join(dir, 'loop-b'));
    await rejectsWith(save(join(dir, 'loop-a'), 'x'), 'INVALID_ARGUMENT');
    expect(readdirSync(dir).sort()).toEqual(['loop-a', 'loop-b']);
  });
});
