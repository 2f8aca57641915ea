import type { TokenRecord } from '@tokenstore/core';
export declare function record(i: number): TokenRecord;
