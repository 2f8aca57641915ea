import { RecordTokenStore } from '@tokenstore/core/store-kit';
import { __STORE_CLASS__Backend } from './backend.js';

/**
 * A tokenstore TokenStore. The kit supplies matching, upsert under races, lock wrapping, the closed
 * state and close-once; this class only wires the backend in (add your connection options here).
 */
export class __STORE_CLASS__ extends RecordTokenStore {
  constructor(backend: __STORE_CLASS__Backend = new __STORE_CLASS__Backend()) {
    super(backend, '__STORE_CLASS__');
  }
}
