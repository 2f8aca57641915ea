export { FileStore, type FileStoreOptions } from './file-store.js';
export { importZohoCsv, parseZohoCsv, type ZohoImportResult } from './zoho-csv.js';
export { FORMAT, FORMAT_VERSION } from './token-file.js';
