export { __STORE_CLASS__ } from './store.js';
export { __STORE_CLASS__Backend } from './backend.js';
