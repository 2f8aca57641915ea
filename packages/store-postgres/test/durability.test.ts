import { fileURLToPath } from 'node:url';
import { runDurabilitySuite } from '@tokenstore/conformance';
import { assertDistFresh } from '@tokenstore/store-testkit';
import * as vitest from 'vitest';

// The published durability suite (SIGKILLs during saves, processes racing, and the refresh engines of
// several processes over this store's lease), as a third party runs it: through the conformance module.
// Its child processes run the built dist, so it must be current.
assertDistFresh(fileURLToPath(new URL('..', import.meta.url)), '@tokenstore/store-postgres');
await runDurabilitySuite(vitest, { module: fileURLToPath(new URL('./fixtures/durability.conformance.mjs', import.meta.url)), kills: 20 });
