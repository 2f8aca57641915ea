import { describe, expect, it } from 'vitest';
import { createRefreshRegistry } from '../src/index.js';
import { backoffDelay } from '../src/backoff.js';

describe('createRefreshRegistry', () => {
  it('runs one task per key; callers share its result', async () => {
    const registry = createRefreshRegistry();
    let runs = 0;
    let release!: (v: string) => void;
    const task = () => {
      runs++;
      return new Promise<string>((r) => (release = r));
    };
    const calls = Array.from({ length: 100 }, () => registry.run('k', task));
    expect(registry.size).toBe(1);
    expect(registry.current('k')).toBeDefined();
    release('done');
    expect(await Promise.all(calls)).toEqual(Array(100).fill('done'));
    expect(runs).toBe(1);
    expect(registry.size).toBe(0);
    expect(registry.current('k')).toBeUndefined();
  });

  it('keys are independent; a failure is shared and then forgotten', async () => {
    const registry = createRefreshRegistry();
    const a = registry.run('a', async () => 1);
    const b = registry.run('b', async () => 2);
    expect(await Promise.all([a, b])).toEqual([1, 2]);
    const failing = () => registry.run('c', async () => Promise.reject(new Error('boom')));
    const results = await Promise.allSettled([failing(), failing()]);
    expect(results.map((r) => r.status)).toEqual(['rejected', 'rejected']);
    expect(await registry.run('c', async () => 'recovered')).toBe('recovered');
  });

  it('two registries do not share anything', async () => {
    const one = createRefreshRegistry();
    const two = createRefreshRegistry();
    let runs = 0;
    const task = async () => ++runs;
    await Promise.all([one.run('k', task), two.run('k', task)]);
    expect(runs).toBe(2);
  });
});

describe('backoffDelay', () => {
  it('grows exponentially, is capped, and has jitter in [half, full]', () => {
    const opts = { baseMs: 100, maxMs: 1000 };
    expect(backoffDelay(0, { ...opts, random: () => 0 })).toBe(50);
    expect(backoffDelay(0, { ...opts, random: () => 0.999 })).toBe(100);
    expect(backoffDelay(2, { ...opts, random: () => 0 })).toBe(200);
    expect(backoffDelay(10, { ...opts, random: () => 0.999 })).toBe(1000);
    const samples = new Set(Array.from({ length: 50 }, () => backoffDelay(3, opts)));
    expect(samples.size).toBeGreaterThan(5);
    for (const s of samples) expect(s).toBeGreaterThanOrEqual(400), expect(s).toBeLessThanOrEqual(800);
  });
});
