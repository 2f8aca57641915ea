import { fileURLToPath } from 'node:url';
import { durabilityTestIds } from '@tokenstore/conformance';
import { assertDistFresh, runConformanceCli } from '@tokenstore/store-testkit';
import { expect, it } from 'vitest';

// The published durability suite (SIGKILLs during saves, processes racing, the refresh race) through the
// built CLI, as a third party's CI runs it: `tokenstore-conformance <module> --durability`. (SQLiteStore
// runs it through runDurabilitySuite in vitest.) Its child processes run the built dist, so it must be current.
const packageDir = fileURLToPath(new URL('..', import.meta.url));

it('passes every durability test through `tokenstore-conformance --durability`', async () => {
  assertDistFresh(packageDir, '@tokenstore/store-file');
  const { code, output } = await runConformanceCli(packageDir, ['test/fixtures/durability.conformance.mjs', '--durability', '--reporter', 'verbose']);
  for (const id of durabilityTestIds) expect(output, output).toMatch(new RegExp(`✓ .*\\[${id.replaceAll('.', '\\.')}\\]`));
  expect(output).toMatch(new RegExp(`Tests\\s+${durabilityTestIds.length} passed \\(${durabilityTestIds.length}\\)`));
  expect(code, output).toBe(0);
}, 180_000);
