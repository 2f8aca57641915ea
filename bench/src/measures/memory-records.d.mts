import type { TokenRecord } from '@tokenstore/core/store-kit';
export declare function record(i: number): TokenRecord;
