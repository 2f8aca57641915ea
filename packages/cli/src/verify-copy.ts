import type { OAuthToken } from '@tokenstore/core';
import { recordDigest } from './record-digest.js';

export interface CopyDifference {
  readonly sourceCount: number;
  readonly targetCount: number;
  /** Ids in the source with no record in the target. */
  readonly missing: string[];
  /** Ids in the target that the source does not have. */
  readonly extra: string[];
  /** Ids on both sides whose records differ in some field. */
  readonly changed: string[];
}

/** Compares both sides record by record (counts, ids, and a digest of every field). */
export function compareRecords(source: readonly OAuthToken[], target: readonly OAuthToken[]): CopyDifference {
  const targetDigests = new Map(target.map((token) => [token.id as string, recordDigest(token)]));
  const sourceIds = new Set<string>();
  const missing: string[] = [];
  const changed: string[] = [];
  for (const token of source) {
    const id = token.id as string;
    sourceIds.add(id);
    const digest = targetDigests.get(id);
    if (digest === undefined) missing.push(id);
    else if (digest !== recordDigest(token)) changed.push(id);
  }
  const extra = [...targetDigests.keys()].filter((id) => !sourceIds.has(id));
  return { sourceCount: source.length, targetCount: target.length, missing, extra, changed };
}

export function isIdentical(difference: CopyDifference): boolean {
  return difference.sourceCount === difference.targetCount && difference.missing.length === 0 && difference.extra.length === 0 && difference.changed.length === 0;
}
