import { runFileStoreConformance } from '@tokenstore/store-testkit';
import { FILE_STORE } from './helpers.js';

runFileStoreConformance('FileStore', FILE_STORE);
