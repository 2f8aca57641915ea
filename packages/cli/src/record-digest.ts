import { createHash } from 'node:crypto';
import type { OAuthToken } from '@tokenstore/core';
import { RECORD_FIELDS } from '@tokenstore/core/store-kit';

/**
 * SHA-256 of every field of a token's stored record, in core's fixed field order, JSON-encoded (so
 * null and '' differ, and no two records share an encoding). Two stores hold the same record exactly
 * when their digests are equal; the digest is printed nowhere (it is a hash of secrets).
 */
export function recordDigest(token: OAuthToken): string {
  const record = token.toRecord();
  return createHash('sha256')
    .update(JSON.stringify(RECORD_FIELDS.map((field) => record[field])))
    .digest('hex');
}
