/**
 * Run in a child vitest by broken-stores.test.ts (never by the package's own test run: the file name
 * does not match *.test.ts). Registers the suite for every flawed store (the flaw-free control store
 * runs next to it from control.broken.ts); the parent reads the JSON report and checks which tests failed.
 */
import * as vitest from 'vitest';
import { runTokenStoreConformance } from '../../src/index.js';
import { FLAWS, type Flaw, configurableOptions } from '../support/configurable-store.js';

for (const flaw of Object.keys(FLAWS) as Flaw[]) runTokenStoreConformance(vitest, configurableOptions(flaw));
