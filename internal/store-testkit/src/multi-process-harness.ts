import { join } from 'node:path';
import { OAuthToken } from '@tokenstore/core';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { assertWorkerReady, runWorker, tempPrefix, type FileBackedStore } from './store-worker.js';
import { tempDir } from './temp-dir.js';

const PROCESSES = 4;

export interface MultiProcessOptions {
  readonly store: FileBackedStore;
  /** Name of the describe block, e.g. `several processes on one JSON file`. */
  readonly title: string;
  /** Runs on a fresh file before processes race on it (e.g. create the schema, so the race is about the row). */
  prepare?(file: string): void;
  /** After every process's saves landed and were read back (e.g. nothing left behind in `dir`). */
  afterSaves?(dir: string): void;
}

/**
 * Separate processes on one file: no lost update, one record per user however the saves interleave,
 * and the lease is granted to exactly one process.
 */
export function multiProcessTests(options: MultiProcessOptions): void {
  const { store: subject } = options;
  const path = (name: string) => join(dir, `${name}${subject.extension}`);
  let dir: string;
  let cleanup: () => void;
  beforeAll(() => assertWorkerReady(subject));
  beforeEach(() => ({ dir, cleanup } = tempDir(tempPrefix(subject))));
  afterEach(() => cleanup());

  describe(options.title, () => {
    it('keeps every token each process saved (no lost update)', async () => {
      const file = path('shared');
      await Promise.all(Array.from({ length: PROCESSES }, (_, p) => runWorker(subject, ['save-many', file, `p${p}`, '25'])));
      const store = subject.open(file);
      const names = (await store.getTokens()).map((t) => t.userSignature?.name).sort();
      expect(names).toEqual(Array.from({ length: PROCESSES }, (_, p) => Array.from({ length: 25 }, (_, i) => `p${p}-${i}`)).flat().sort());
      await store.close?.();
      options.afterSaves?.(dir);
    });

    it('racing saves of one new user from every process leave exactly one record', async () => {
      const file = path('race');
      options.prepare?.(file);
      const startAt = Date.now() + 600;
      const outputs = await Promise.all(Array.from({ length: PROCESSES }, () => runWorker(subject, ['save-same', file, 'shared-user', String(startAt)])));
      expect(new Set(outputs.flatMap((lines) => (lines[0] ?? '').split(' '))).size).toBe(1);
      const store = subject.open(file);
      expect(await store.getTokens()).toHaveLength(1);
      expect(await store.findToken(new OAuthToken({ userSignature: { name: 'shared-user' } }))).not.toBeNull();
      await store.close?.();
    });

    it('grants the lease to exactly one of several processes asking at the same moment', async () => {
      const file = path('lease');
      options.prepare?.(file);
      const startAt = Date.now() + 600;
      const outputs = await Promise.all(Array.from({ length: PROCESSES + 2 }, (_, p) => runWorker(subject, ['lease', file, `owner-${p}`, String(startAt)])));
      expect(outputs.map((lines) => lines[0]).filter((l) => l === 'true')).toHaveLength(1);
      expect(outputs.map((lines) => lines[0]).filter((l) => l === 'false')).toHaveLength(PROCESSES + 1);
    });
  });
}
