import { byId, save } from '../assertions.js';
import type { ConformanceCase } from '../conformance-case.js';
import { fullInit } from './full-init.js';
import { concurrently } from './save-helpers.js';

/** Strips the common prefix and suffix of `ids`; true when what is left counts up or down in fixed steps. */
export function looksSequential(ids: readonly string[]): boolean {
  if (ids.length < 3) return false;
  let prefix = 0;
  const first = ids[0] as string;
  while (prefix < first.length && ids.every((id) => id[prefix] === first[prefix])) prefix++;
  let suffix = 0;
  while (suffix < first.length - prefix && ids.every((id) => id.length - suffix - 1 >= prefix && id[id.length - suffix - 1] === first[first.length - suffix - 1])) suffix++;
  const middles = ids.map((id) => id.slice(prefix, id.length - suffix));
  for (const [pattern, radix] of [[/^[0-9]+$/, 10], [/^[0-9a-fA-F]+$/, 16]] as const) {
    if (!middles.every((m) => pattern.test(m))) continue;
    const numbers = middles.map((m) => parseInt(m, radix));
    const step = (numbers[1] as number) - (numbers[0] as number);
    if (step !== 0 && numbers.every((n, i) => i === 0 || n - (numbers[i - 1] as number) === step)) return true;
  }
  return false;
}

/** What saveToken returns, and the ids it gives: the one a token carries, or a generated one (unique, not guessable). */
export const saveIdCases: ConformanceCase[] = [
  {
    id: 'save.returns-stored-token',
    title: 'saveToken returns the stored token: every field as given, plus a non-empty string id',
    async run(t) {
      const input = t.token(fullInit(t, 'a'));
      const saved = await save(t, input);
      t.expect(saved, 'saveToken result').toEqual({ ...input.toRecord(), id: saved.id });
      t.expect(await byId(t, saved.id as string), 'findTokenById(saved.id)').toEqual(saved);
    },
  },
  {
    id: 'save.explicit-id',
    title: 'a new token with an id is stored under that id',
    async run(t) {
      const id = `given-id-${t.uid}`;
      const input = t.token({ ...fullInit(t, 'b'), id });
      const saved = await save(t, input);
      t.expect(saved.id, 'the stored id').toBe(id);
      t.expect(await byId(t, id), 'findTokenById(given id)').toEqual(input.toRecord());
    },
  },
  {
    id: 'save.generated-id.unique',
    title: 'generated ids are unique strings (sequential and concurrent saves, also after deleteTokens)',
    async run(t) {
      const ids: string[] = [];
      for (let i = 0; i < 10; i++) ids.push((await save(t, t.token({ userSignature: { name: `seq-${i}-${t.uid}` }, accessToken: `at-seq-${i}-${t.uid}` }))).id as string);
      const concurrent = await concurrently(t, [t.store], 10, (i) => t.token({ userSignature: { name: `con-${i}-${t.uid}` }, accessToken: `at-con-${i}-${t.uid}` }));
      ids.push(...concurrent.map((r) => r.id as string));
      await t.store.deleteTokens();
      for (let i = 0; i < 5; i++) ids.push((await save(t, t.token({ userSignature: { name: `after-${i}-${t.uid}` } }))).id as string);
      for (const id of ids) t.expect(typeof id, 'a generated id').toBe('string');
      t.expect(new Set(ids).size, `${ids.length} saves of different users must get ${ids.length} different ids`).toBe(ids.length);
    },
  },
  {
    id: 'save.generated-id.not-sequential',
    title: 'generated ids are not guessable from each other (no counter, no max(id)+1)',
    async run(t) {
      const ids: string[] = [];
      for (let i = 0; i < 20; i++) ids.push((await save(t, t.token({ userSignature: { name: `u${i}-${t.uid}` } }))).id as string);
      t.expect(looksSequential(ids), `generated ids count up in fixed steps: ${ids.slice(0, 4).join(', ')}, ...`).toBe(false);
    },
  },
];
