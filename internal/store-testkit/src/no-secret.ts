import { inspect } from 'node:util';
import { expect } from 'vitest';

/** Fails when any of `secrets` shows in the error however it is printed: inspect, String, JSON, its cause. */
export function expectNoSecret(error: unknown, secrets: Iterable<string>): void {
  const printed = [inspect(error, { depth: 20, showHidden: true }), String(error), JSON.stringify(error), String((error as Error).cause)].join('\n');
  for (const secret of secrets) expect(printed).not.toContain(secret);
}
