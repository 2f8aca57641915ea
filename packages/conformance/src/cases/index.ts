import type { ConformanceCase } from '../conformance-case.js';
import { closeCases } from './close.js';
import { deleteCases } from './delete.js';
import { errorCases } from './errors.js';
import { findCases } from './find.js';
import { getTokensOrderCases } from './get-tokens-order.js';
import { lockCases } from './lock.js';
import { lockAcquireAndFindCases } from './lock-acquire-and-find.js';
import { lockSaveAndReleaseCases } from './lock-save-and-release.js';
import { lockHolderCases } from './lock-holder.js';
import { lockLifecycleCases } from './lock-lifecycle.js';
import { manyRecordsCases } from './many-records.js';
import { matchCases } from './match.js';
import { putRecordsCases } from './put-records.js';
import { reopenCases } from './reopen.js';
import { roundtripCases } from './roundtrip.js';
import { saveCases } from './save.js';
import { validationCases } from './validation.js';

/** Every conformance test, in the order they are registered. */
export const ALL_CASES: readonly ConformanceCase[] = [
  ...saveCases,
  ...findCases,
  ...matchCases,
  ...roundtripCases,
  ...deleteCases,
  ...getTokensOrderCases,
  ...manyRecordsCases,
  ...putRecordsCases,
  ...reopenCases,
  ...closeCases,
  ...errorCases,
  ...validationCases,
  ...lockCases,
  ...lockLifecycleCases,
  ...lockHolderCases,
  ...lockAcquireAndFindCases,
  ...lockSaveAndReleaseCases,
];

const seen = new Set<string>();
for (const c of ALL_CASES) {
  if (seen.has(c.id)) throw new Error(`duplicate conformance test id ${c.id}`);
  seen.add(c.id);
}
