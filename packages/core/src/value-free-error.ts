/** A class name or an errno-style code: an identifier, never free text that could quote a value. */
const IDENTIFIER = /^[A-Za-z_$][\w$]{0,63}$/;

function identifierOf(value: unknown): string | undefined {
  return typeof value === 'string' && IDENTIFIER.test(value) ? value : undefined;
}

/**
 * The `cause` the kit keeps for an error a backend threw without mapping it (no `toStoreError`): the
 * error's kind and code (`SyntaxError`, `Error (EIO)`), not its message. A backend's raw error may quote
 * stored data (JSON.parse of a corrupt line quotes the line, a driver the row it refused), and no cause
 * may carry a secret. A backend that wants a detailed cause maps its errors itself.
 */
export function valueFreeError(error: unknown): Error {
  const kind = identifierOf((error as Error | null)?.name) ?? 'Error';
  const rawCode = (error as { code?: unknown } | null)?.code;
  const code = typeof rawCode === 'number' && Number.isSafeInteger(rawCode) ? String(rawCode) : identifierOf(rawCode);
  const copy = new Error(code === undefined ? kind : `${kind} (${code})`);
  copy.name = kind;
  if (code !== undefined) Object.assign(copy, { code: rawCode });
  return copy;
}
