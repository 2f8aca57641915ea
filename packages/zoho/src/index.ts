export { ZohoSdkStore, zohoSdkStore, type ZohoSdkStoreOptions, type ZohoSdkTokenStore } from './zoho-sdk-store.js';
export { tokenOfSdk, sdkTokenOf, type ZohoSdkToken, type ZohoSdkUserSignature, type ZohoSdkClasses } from './sdk-token.js';
export { importZohoCsv, parseZohoCsv, type ZohoCsvSource, type ZohoCsvParseResult } from './zoho-csv.js';
export type { ZohoImportResult, ZohoImportProblem, ZohoImportOptions } from './import-result.js';
export { ZOHO_COLUMNS, type ZohoRow } from './zoho-rows.js';
