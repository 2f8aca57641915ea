import type { TokenRecord } from '@tokenstore/core/store-kit';
import { expectToken, recordOf, save, short } from '../assertions.js';
import type { CaseContext, ConformanceCase } from '../conformance-case.js';
import { IDENTIFIER_FIELDS, type IdentifierField, probeFor } from '../values.js';

/**
 * For every identifier field, stores one record per value (holding the value in that field only) and
 * returns a lookup: field -> value -> stored record.
 */
async function seed(t: CaseContext, values: readonly string[]): Promise<Map<IdentifierField, Map<string, TokenRecord>>> {
  const clientId = `client-${t.uid}`;
  const result = new Map<IdentifierField, Map<string, TokenRecord>>();
  for (const field of IDENTIFIER_FIELDS) {
    const byValue = new Map<string, TokenRecord>();
    for (const [i, value] of values.entries()) {
      const init = field === 'id' ? { id: value } : probeFor(field, value, clientId);
      byValue.set(value, await save(t, t.token({ ...init, clientId, scope: `record #${i} for ${field}` })));
    }
    result.set(field, byValue);
  }
  return result;
}

/** For every identifier field: a probe with `probe` in it must select the record holding `expected`, or nothing. */
async function expectEach(t: CaseContext, stored: Map<IdentifierField, Map<string, TokenRecord>>, probe: string, expected: string | null, why: string): Promise<void> {
  const clientId = `client-${t.uid}`;
  for (const field of IDENTIFIER_FIELDS) {
    const record = expected === null ? null : (stored.get(field)?.get(expected) ?? null);
    const what = `${why}: ${field} ${JSON.stringify(short(probe))}`;
    const found = await t.store.findToken(t.token(probeFor(field, probe, clientId)));
    if (record === null) t.expect(found === null ? null : recordOf(t.expect, found, what), `${what} must select nothing`).toBeNull();
    else expectToken(t.expect, found, record, `${what} must select the record holding ${JSON.stringify(short(expected))}`);
    if (field === 'id') {
      const byId = await t.store.findTokenById(probe);
      if (record === null) t.expect(byId === null ? null : recordOf(t.expect, byId, what), `findTokenById(${JSON.stringify(short(probe))}) must be null`).toBeNull();
      else expectToken(t.expect, byId, record, `findTokenById(${JSON.stringify(short(probe))})`);
    }
  }
}

export const matchCases: ConformanceCase[] = [
  {
    id: 'match.like-wildcards',
    title: "'%' and '_' are plain characters: a probe never selects a record it only matches as a LIKE pattern",
    async run(t) {
      const p = `wc-${t.uid}-`;
      const stored = await seed(t, [`${p}abc`, `${p}a%c`, `${p}a_c`]);
      for (const value of [`${p}abc`, `${p}a%c`, `${p}a_c`]) await expectEach(t, stored, value, value, 'exact value');
      for (const probe of [`${p}a%`, `${p}%`, '%', '%%', '_', `${p}ab_`, `${p}_bc`, `${p}a__`, `${p}%c`, `%${p.slice(1)}abc`, `${p}a\\%c`]) {
        await expectEach(t, stored, probe, null, 'wildcard pattern');
      }
    },
  },
  {
    id: 'match.case-sensitive',
    title: "matching is case-sensitive: 'ABC' never selects 'abc' (and both can be stored side by side, also as user names and ids)",
    async run(t) {
      const p = `cs-${t.uid}-`;
      const stored = await seed(t, [`${p}abc`, `${p}ABC`]);
      await expectEach(t, stored, `${p}abc`, `${p}abc`, 'lower case');
      await expectEach(t, stored, `${p}ABC`, `${p}ABC`, 'upper case');
      await expectEach(t, stored, `${p}Abc`, null, 'mixed case');
      await expectEach(t, stored, `${p.toUpperCase()}abc`, null, 'upper-case prefix');
    },
  },
  {
    id: 'match.whitespace-exact',
    title: 'matching compares whitespace exactly (no trimming, no PAD SPACE collation)',
    async run(t) {
      const p = `ws-${t.uid}-`;
      const stored = await seed(t, [`${p}abc`, `${p}pad  `]);
      await expectEach(t, stored, `${p}abc`, `${p}abc`, 'exact');
      await expectEach(t, stored, `${p}pad  `, `${p}pad  `, 'exact with trailing spaces');
      for (const probe of [`${p}abc `, ` ${p}abc`, `${p}abc\n`, `${p}abc\t`, `${p}abc\u00a0`, `${p}pad`, `${p}pad `, `${p}pad   `]) {
        await expectEach(t, stored, probe, null, 'different whitespace');
      }
    },
  },
  {
    id: 'match.unicode-exact',
    title: 'matching compares code points exactly (no normalisation, no accent- or width-insensitive collation)',
    async run(t) {
      const p = `uc-${t.uid}-`;
      const composed = `${p}caf\u00e9`;
      const decomposed = `${p}cafe\u0301`;
      const stored = await seed(t, [composed, decomposed, `${p}stra\u00dfe`, `${p}\u{1F511}`]);
      await expectEach(t, stored, composed, composed, 'precomposed é');
      await expectEach(t, stored, decomposed, decomposed, 'e + combining accent');
      await expectEach(t, stored, `${p}stra\u00dfe`, `${p}stra\u00dfe`, 'ß');
      await expectEach(t, stored, `${p}\u{1F511}`, `${p}\u{1F511}`, 'emoji');
      for (const probe of [`${p}cafe`, `${p}CAF\u00c9`, `${p}strasse`, `${p}STRASSE`, `${p}\u{1F512}`, `${p}\uFF41bc`]) {
        await expectEach(t, stored, probe, null, 'similar but different code points');
      }
    },
  },
  {
    id: 'match.no-partial',
    title: 'matching is whole-value: no prefix, suffix or substring matches',
    async run(t) {
      const p = `pm-${t.uid}-`;
      const stored = await seed(t, [`${p}abcdef`]);
      await expectEach(t, stored, `${p}abcdef`, `${p}abcdef`, 'exact');
      for (const probe of [`${p}abc`, `${p}abcde`, `${p}abcdefg`, `${p.slice(0, -1)}`, `bcdef`, `${p}bcde`]) {
        await expectEach(t, stored, probe, null, 'part of a value');
      }
    },
  },
  {
    id: 'match.operator-strings',
    title: 'query-operator and regex look-alikes ({"$gt":""}, $ne, .*, ^) are matched as plain strings',
    async run(t) {
      const p = `op-${t.uid}-`;
      const literal = '{"$gt":""}';
      const stored = await seed(t, [`${p}abc`, literal, `${p}.*`]);
      await expectEach(t, stored, literal, literal, 'the literal JSON string');
      await expectEach(t, stored, `${p}.*`, `${p}.*`, 'the literal regex string');
      for (const probe of ['{"$ne":""}', '{"$ne":null}', '$ne', '{"$regex":".*"}', '.*', `^${p}`, `${p}.+`, `${p}[a-c]+`, '{"$gt": ""}']) {
        await expectEach(t, stored, probe, null, 'operator look-alike');
      }
    },
  },
];
