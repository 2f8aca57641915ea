export { ZohoSdkStore, zohoSdkStore, type ZohoSdkStoreOptions, type ZohoSdkTokenStore } from './zoho-sdk-store.js';
export { tokenOfSdk, sdkTokenOf, type ZohoSdkToken, type ZohoSdkUserSignature, type ZohoSdkClasses } from './sdk-token.js';
export { importZohoCsv, parseZohoCsv, type ZohoCsvSource, type ZohoCsvParseResult } from './zoho-csv.js';
export type { ZohoImportResult, ZohoImportProblem, ZohoImportOptions } from './import-result.js';
export { ZOHO_COLUMNS, type ZohoRow } from './zoho-rows.js';
export { importZohoTable, type ZohoTableSource, type ZohoTableImportOptions, type MysqlQueryable } from './zoho-table.js';
// Zoho data-center presets stay in core, next to the engine that uses them (see README); re-exported here.
export {
  ZOHO_DATA_CENTERS,
  zohoEnvironment,
  DataCenter,
  USDataCenter,
  EUDataCenter,
  INDataCenter,
  CNDataCenter,
  JPDataCenter,
  AUDataCenter,
  CADataCenter,
  SADataCenter,
  type ZohoDataCenterCode,
  type ZohoEnvironmentKind,
} from '@tokenstore/core';
