export { ZohoSdkStore, zohoSdkStore, type ZohoSdkStoreOptions, type ZohoSdkTokenStore } from './zoho-sdk-store.js';
export { tokenOfSdk, sdkTokenOf, type ZohoSdkToken, type ZohoSdkUserSignature, type ZohoSdkClasses } from './sdk-token.js';
