import { keepAliveTests } from '@tokenstore/store-testkit';
import { FILE_STORE } from './helpers.js';

// Two processes on one JSON file: a script waiting on the engine (the other's lease, a backoff)
// stays alive until its call settles, and exits by itself once idle.
keepAliveTests({ store: FILE_STORE });
