export { FileStore, type FileStoreOptions } from './file-store.js';
export { FORMAT, FORMAT_VERSION } from './token-file.js';
