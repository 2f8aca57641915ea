import { describe, expect, it } from 'vitest';
import { isTokenStoreError } from '@tokenstore/core';
import { type ConformanceOptions, type VitestApi, resolveConformanceOptions, runDurabilitySuite, runTokenStoreConformance } from '../src/index.js';
import { durabilityOf } from '../src/durability/durability-options.js';

// Every mistake in the options a caller hands the suite is a TokenStoreError INVALID_ARGUMENT with a
// message naming the option (a CI log or a catch by code tells it from a store failure).

const api: VitestApi = { describe: () => undefined, it: Object.assign(() => undefined, { skip: () => undefined }), expect: () => undefined };
const base: ConformanceOptions = { name: 'x', createStore: async () => ({}) as never };

async function invalidArgument(call: () => unknown): Promise<string> {
  const error = await Promise.resolve().then(call).then(() => undefined, (e: unknown) => e);
  expect(isTokenStoreError(error, 'INVALID_ARGUMENT'), `a TokenStoreError INVALID_ARGUMENT, got ${String(error)}`).toBe(true);
  return (error as Error).message;
}

describe('bad ConformanceOptions are TokenStoreError INVALID_ARGUMENT', () => {
  const cases: [string, unknown, RegExp][] = [
    ['not an object', 42, /options must be an object/],
    ['an empty name', { ...base, name: ' ' }, /options\.name/],
    ['no createStore', { name: 'x' }, /options\.createStore/],
    ['openPeer not a function', { ...base, openPeer: 'no' }, /options\.openPeer/],
    ['timeoutMs 0', { ...base, timeoutMs: 0 }, /options\.timeoutMs/],
    ['leaseGranularityMs -1', { ...base, leaseGranularityMs: -1 }, /options\.leaseGranularityMs/],
    ['skip a string', { ...base, skip: 'x' }, /options\.skip/],
    ['skip an unknown id', { ...base, skip: { nonsense: 'x' } }, /options\.skip names unknown test ids/],
    ['skip without a reason', { ...base, skip: { 'lock.expiry': '' } }, /options\.skip\["lock\.expiry"\]/],
  ];
  for (const [label, options, message] of cases) {
    it(`runTokenStoreConformance with ${label}`, async () => {
      expect(await invalidArgument(() => runTokenStoreConformance(api, options as ConformanceOptions))).toMatch(message);
    });
  }

  it('runTokenStoreConformance without a vitest namespace', async () => {
    expect(await invalidArgument(() => runTokenStoreConformance(undefined as unknown as VitestApi, base))).toMatch(/import \* as vitest/);
  });

  it('resolveConformanceOptions of a module without options', async () => {
    expect(await invalidArgument(() => resolveConformanceOptions({ default: 42 }))).toMatch(/must export default the options/);
  });

  it('the durability part: missing, or with hooks that are not functions', async () => {
    expect(await invalidArgument(() => durabilityOf(base))).toMatch(/no `durability` part/);
    expect(await invalidArgument(() => durabilityOf({ durability: { createLocation: () => '' } }))).toMatch(/durability\.openStore/);
    expect(await invalidArgument(() => durabilityOf({ durability: { createLocation: () => '', openStore: () => base, refreshRace: 'yes' } }))).toMatch(/durability\.refreshRace/);
    expect(await invalidArgument(() => durabilityOf({ durability: { createLocation: () => '', openStore: () => base, inspectLocation: 1 } }))).toMatch(/durability\.inspectLocation/);
    expect(await invalidArgument(() => runDurabilitySuite(api, { module: '' }))).toMatch(/options\.module/);
  });
});
