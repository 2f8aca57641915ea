export { MongoStore, type MongoStoreOptions, type MongoClientStoreOptions, type MongoUrlStoreOptions } from './mongo-store.js';
export { MongoDriverError } from './mongo-errors.js';
