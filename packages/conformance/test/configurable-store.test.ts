import * as vitest from 'vitest';
import { runTokenStoreConformance } from '../src/index.js';
import { configurableOptions } from './support/configurable-store.js';

// The flaw-free ConfigurableStore: real peer instances on shared data and persistence across reopen,
// so the suite's openPeer and reopenStore paths run against a correct store.
runTokenStoreConformance(vitest, configurableOptions(null));
