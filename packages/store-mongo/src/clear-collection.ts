import type { Collection } from 'mongodb';
import type { TokenDocument } from './documents.js';

/**
 * How many documents one delete removes at most. FerretDB 1.x deletes what a filter matched by naming
 * every matched `_id` as a parameter of one PostgreSQL statement, and the protocol caps parameters at
 * 65,535, so `deleteMany({})` on a bigger collection fails; well under the cap leaves room for the
 * statement's other parameters.
 */
const DELETE_CHUNK = 30_000;

/**
 * Empties the token collection, whatever its size, in ranges of `_id` (a range filter, not `$in`:
 * FerretDB evaluates `$in` against every document, which makes deleting by id lists quadratic). On
 * MongoDB a small collection costs one extra read; a big one a few chunked deletes instead of one.
 * Documents saved while this runs may or may not survive, as with a single `deleteMany`.
 */
export async function clearCollection(tokens: Collection<TokenDocument>): Promise<void> {
  for (;;) {
    const [edge] = await tokens.find({}, { projection: { _id: 1 } }).sort({ _id: 1 }).skip(DELETE_CHUNK - 1).limit(1).toArray();
    if (edge === undefined) break;
    await tokens.deleteMany({ _id: { $lte: edge._id } });
  }
  await tokens.deleteMany({});
}
