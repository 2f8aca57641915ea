import { RECORD_FIELDS, validateRecord, type TokenRecord, TokenStoreError } from '@tokenstore/core/store-kit';

/**
 * The on-disk format: one JSON document, pretty-printed so a human can read and diff it.
 *
 *   { "format": "tokenstore-file", "version": 1, "tokens": [ { "id": "...", "userName": "...", ... } ] }
 *
 * Token objects use the TokenRecord field names; absent fields are omitted. `version` changes only
 * when an older reader could no longer read the file correctly; a newer version is refused.
 */
export const FORMAT = 'tokenstore-file';
export const FORMAT_VERSION = 1;

export function serialize(records: Iterable<TokenRecord>): string {
  const tokens = [...records].map((record) => {
    const out: Record<string, string | number> = {};
    for (const field of RECORD_FIELDS) {
      const value = record[field];
      if (value !== null) out[field] = value;
    }
    return out;
  });
  return `${JSON.stringify({ format: FORMAT, version: FORMAT_VERSION, tokens }, null, 2)}\n`;
}

/**
 * Parses and validates a file's content. Anything unexpected is STORE_CORRUPT naming the path (never
 * a value: the file holds secrets). Duplicate ids or user names are corruption too: no FileStore
 * writes them, so their presence means someone else edited the file.
 */
export function parse(text: string, path: string): TokenRecord[] {
  const corrupt = (why: string, cause?: unknown) =>
    new TokenStoreError('STORE_CORRUPT', `FileStore: ${path} is not a valid token file (${why}); it was left untouched`, cause === undefined ? {} : { cause });
  let document: unknown;
  try {
    document = JSON.parse(text);
  } catch (error) {
    // The SyntaxError message may quote file content (a secret); keep only its kind as the cause.
    throw corrupt('invalid JSON', new SyntaxError('JSON.parse failed'));
  }
  if (document === null || typeof document !== 'object' || Array.isArray(document)) throw corrupt('not a JSON object');
  const { format, version, tokens } = document as Record<string, unknown>;
  if (format !== FORMAT) throw corrupt(`"format" is not "${FORMAT}"`);
  if (typeof version !== 'number') throw corrupt('"version" is missing');
  if (version > FORMAT_VERSION) throw corrupt(`format version ${version} is newer than this FileStore reads (${FORMAT_VERSION}); upgrade @tokenstore/store-file`);
  if (version !== FORMAT_VERSION) throw corrupt(`unknown format version ${version}`);
  if (!Array.isArray(tokens)) throw corrupt('"tokens" is not an array');

  const ids = new Set<string>();
  const users = new Set<string>();
  return tokens.map((entry, index) => {
    if (entry === null || typeof entry !== 'object' || Array.isArray(entry)) throw corrupt(`token #${index} is not an object`);
    let record: TokenRecord;
    try {
      // Core's write-side rule, not the lenient read-side one: this file stores expiresAt as a JSON
      // number, so a numeric string (" 42 ", "-5") is a hand edit to report, never to coerce.
      record = validateRecord(entry);
    } catch (error) {
      throw corrupt(`token #${index}: ${(error as Error).message}`);
    }
    if (record.id === null || record.id === '') throw corrupt(`token #${index} has no id`);
    if (ids.has(record.id)) throw corrupt(`token #${index} repeats an id`);
    ids.add(record.id);
    if (record.userName !== null) {
      if (users.has(record.userName)) throw corrupt(`token #${index} repeats a user name`);
      users.add(record.userName);
    }
    return record;
  });
}
