import type { ConformanceCase } from '../conformance-case.js';
import { listRecords, save } from '../assertions.js';

/**
 * Id suffixes whose order tells the orders apart: insertion (they are saved shuffled, and one is
 * updated last), locale ('B' < 'a' in code units), numeric ('10' < '9'), and code point or UTF-8 byte
 * order (U+1F600 is a surrogate pair, 0xD83D 0xDE00, so it sorts before U+FF21 in UTF-16 code units
 * although its code point is larger).
 */
const SUFFIXES = ['b', '\u{1F600}', 'a', '9', '\uFF21', 'B', 'a1', '10', '\u00E9', 'A'] as const;

export const getTokensOrderCases: ConformanceCase[] = [
  {
    id: 'get-tokens.sorted-by-id',
    title: 'getTokens lists records sorted by id in UTF-16 code unit order (not insertion, last-write, locale or code point order)',
    async run(t) {
      const ids = SUFFIXES.map((suffix) => `order-${t.uid}-${suffix}`);
      for (const id of ids) await save(t, t.token({ id, accessToken: `access-${id}` }));
      // A write after the others: a store listing in last-write order would move it to the end.
      await save(t, t.token({ id: ids[0], accessToken: `access-again-${t.uid}` }));
      const listed = (await listRecords(t)).map((record) => record.id as string);
      // What `<` compares on JavaScript strings, and so what Array#sort does without a comparator.
      t.expect(listed, 'getTokens() ids: the whole listing in UTF-16 code unit order').toEqual([...listed].sort());
      t.expect(
        listed.filter((id) => ids.includes(id)),
        'getTokens() ids of the records this test saved, in UTF-16 code unit order',
      ).toEqual([...ids].sort());
    },
  },
];
