/**
 * Names the test and its rule in the failure itself, `[id] rule: <title>` above what was expected and
 * what happened: the message is all a third party sees (the suite's sources do not ship). Shared by
 * the conformance cases and the durability suite so both read the same.
 *
 * `expectation` says what the test expected when something other than an assertion was thrown (the
 * store's call to succeed, a child process to exit cleanly, the module's hook to find no fault).
 */
export function withRule(id: string, title: string, error: unknown, expectation = "the store's call to succeed"): unknown {
  const head = `[${id}] rule: ${title}`;
  // Named already (by a step that said more precisely what it expected): keep it.
  if (error instanceof Error && error.message.startsWith(head)) return error;
  // An assertion's message already says what was expected and what the store did.
  if (error instanceof Error && error.name === 'AssertionError') {
    if (!error.message.startsWith(`[${id}]`)) error.message = `${head}\n${error.message}`;
    return error;
  }
  const code = typeof (error as { code?: unknown })?.code === 'string' ? ` (${(error as { code: string }).code})` : '';
  const what = error instanceof Error ? `${error.name}${code}: ${error.message}` : String(error);
  return new Error(`${head}\nexpected ${expectation}, but it threw ${what}`, { cause: error });
}
