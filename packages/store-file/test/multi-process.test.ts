import { readdirSync } from 'node:fs';
import { multiProcessTests } from '@tokenstore/store-testkit';
import { expect } from 'vitest';
import { FILE_STORE } from './helpers.js';

// Separate processes on one JSON file: the read-modify-write under the lock file loses no update,
// keeps one record per user however the saves interleave, and grants a lease to exactly one process.
multiProcessTests({
  store: FILE_STORE,
  title: 'several processes on one JSON file',
  afterSaves: (dir) => expect(readdirSync(dir).sort()).toEqual(['shared.json']), // no lock or temp file left behind
});
