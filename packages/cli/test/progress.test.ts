import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { tempDir } from '@tokenstore/store-testkit';
import { afterAll, describe, expect, it } from 'vitest';
import type { CliIo } from '../src/io.js';
import { progress } from '../src/progress.js';
import { seedSqlite } from './helpers/chain-fixture.js';
import { CLI, runCli } from './helpers/run-cli.js';

function fakeIo(tty: boolean): { io: CliIo; err: () => string; tick: (ms: number) => void } {
  let now = 1_000_000;
  let err = '';
  return { io: { out: () => undefined, err: (t) => (err += t), errIsTty: tty, columns: 100, now: () => now }, err: () => err, tick: (ms) => (now += ms) };
}

describe('progress', () => {
  it('on a TTY: one bar redrawn in place with percent, rate and ETA', () => {
    const { io, err, tick } = fakeIo(true);
    const bar = progress(io, 'migrate', 1000);
    tick(1000);
    bar.update(250);
    tick(50);
    bar.update(260); // within the redraw interval: not drawn
    tick(1000);
    bar.update(500);
    bar.finish(1000);
    const frames = err().split('\r').filter(Boolean);
    expect(frames).toHaveLength(3);
    expect(frames[0]).toMatch(/^migrate \[#+-+\] 25% 250\/1000 250\/s ETA 3s\x1b\[K$/);
    expect(frames[1]).toMatch(/ 50% 500\/1000 244\/s ETA 3s/); // 500 in 2.05 s; 500 left
    expect(frames[2]).toMatch(/100% 1000\/1000 .* ETA 0s\x1b\[K\n$/);
  });

  it('not on a TTY: plain lines, no control characters, one every 2 s and a last one', () => {
    const { io, err, tick } = fakeIo(false);
    const bar = progress(io, 'migrate', 100);
    bar.update(1);
    tick(500);
    bar.update(10); // too soon for another line
    tick(2000);
    bar.update(50);
    bar.finish(100);
    expect(err().split('\n').filter(Boolean)).toEqual([
      'migrate: 1/100 (1%) 1000 tokens/s ETA 1s',
      'migrate: 50/100 (50%) 20 tokens/s ETA 3s',
      'migrate: 100/100 (100%) 40 tokens/s ETA 0s',
    ]);
    expect(err()).not.toMatch(/[\r\x1b]/);
  });

  describe('end to end', () => {
    const { dir, cleanup } = tempDir('tokenstore-cli-progress-');
    afterAll(cleanup);

    it('the CLI draws the bar on a pseudo-terminal (script -qfc) and plain lines into a pipe', async () => {
      seedSqlite(join(dir, 'a.db'), 300);
      const command = `${process.execPath} ${CLI} migrate --from sqlite:${join(dir, 'a.db')} --to file:${join(dir, 'tty.json')}`;
      const { stdout } = await promisify(execFile)('script', ['-qfc', command, '/dev/null'], { env: { ...process.env, COLUMNS: '100' } });
      expect(stdout).toMatch(/\rmigrate \[#+\] 100% 300\/300 \d+\/s ETA 0s\x1b\[K/);
      const piped = await runCli(['migrate', '--from', `sqlite:${join(dir, 'a.db')}`, '--to', `file:${join(dir, 'pipe.json')}`]);
      expect(piped.code).toBe(0);
      expect(piped.stderr).toMatch(/^migrate: 300\/300 \(100%\) \d+ tokens\/s ETA 0s$/m);
      expect(piped.stderr).not.toMatch(/[\r\x1b]/);
    }, 60_000);
  });
});
