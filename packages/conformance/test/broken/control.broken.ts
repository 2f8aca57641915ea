/**
 * Run in a child vitest by broken-stores.test.ts, in its own worker (a separate process from the
 * flawed stores' file): the flaw-free control store, whose lock cases wait on real time, must not
 * share an event loop with fifty flawed stores' suites running at once.
 */
import * as vitest from 'vitest';
import { runTokenStoreConformance } from '../../src/index.js';
import { configurableOptions } from '../support/configurable-store.js';

runTokenStoreConformance(vitest, configurableOptions(null));
