import type { ConformanceCase } from '../conformance-case.js';
import { saveIdCases } from './save-ids.js';
import { saveUpsertCases } from './save-upsert.js';
import { saveConcurrencyCases } from './save-concurrency.js';
import { saveUserBindingCases } from './save-user-binding.js';
import { saveConcurrentAdoptCases } from './save-concurrent-adopt.js';

/**
 * The saveToken cases, one concept a file (ids, upsert, concurrency, user binding, the adopt races),
 * registered in the order they always had, so reports and the README table keep theirs.
 */
const ORDER: readonly string[] = [
  'save.returns-stored-token',
  'save.explicit-id',
  'save.generated-id.unique',
  'save.generated-id.not-sequential',
  'save.upsert.replaces-fields',
  'save.upsert.by-each-identifier',
  'save.upsert.follows-precedence',
  'save.upsert.concurrent-new-user',
  'save.upsert.concurrent-same-id',
  'save.concurrent-distinct-users',
  'save.no-client-id-no-match',
  'save.user-binding.no-overwrite',
  'save.user-binding.adopts-unbound',
  'save.user-binding.concurrent-adopt',
  'save.user-binding.keeps-owner',
  'save.user-binding.id-of-other-user',
  'save.upsert.id-and-user',
  'save.user-binding.adopts-unbound-by-id',
  'save.user-binding.id-of-unbound-user-taken',
  'save.user-binding.concurrent-adopt-by-id',
];

const byCaseId = new Map([...saveIdCases, ...saveUpsertCases, ...saveConcurrencyCases, ...saveUserBindingCases, ...saveConcurrentAdoptCases].map((c) => [c.id, c]));

export const saveCases: ConformanceCase[] = ORDER.map((id) => {
  const found = byCaseId.get(id);
  if (found === undefined) throw new Error(`save case ${id} is not defined`);
  return found;
});
if (saveCases.length !== byCaseId.size) throw new Error('a save case is missing from ORDER');
