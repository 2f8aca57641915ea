/**
 * The redirect back to the app, in whatever form the framework hands it over: the full URL, a path
 * with its query (`req.url` of node:http), the query string alone, URLSearchParams, or a parsed query
 * object. A parameter given twice is ambiguous (an attacker may append a second `state` or `code`)
 * and is rejected rather than resolved by first- or last-wins.
 */
import { TokenStoreError } from '../errors.js';

export type CallbackInput = string | URL | URLSearchParams | Readonly<Record<string, string | readonly string[] | undefined>>;

export function callbackParams(input: CallbackInput): URLSearchParams {
  const params = toParams(input);
  const seen = new Set<string>();
  for (const name of params.keys()) {
    if (seen.has(name)) throw new TokenStoreError('INVALID_ARGUMENT', `the callback carries "${name}" more than once`);
    seen.add(name);
  }
  return params;
}

function toParams(input: CallbackInput): URLSearchParams {
  if (input instanceof URL) return new URLSearchParams(input.search);
  if (input instanceof URLSearchParams) return new URLSearchParams(input);
  if (typeof input === 'string') {
    const query = input.includes('?') ? input.slice(input.indexOf('?') + 1) : input;
    // A fragment is never sent to the server; anything after "#" is not part of the callback.
    return new URLSearchParams(query.split('#')[0]);
  }
  if (input === null || typeof input !== 'object') throw new TokenStoreError('INVALID_ARGUMENT', 'callback must be a URL, a query string, URLSearchParams or a query object');
  const params = new URLSearchParams();
  for (const [name, value] of Object.entries(input)) {
    if (value === undefined) continue;
    for (const one of typeof value === 'string' ? [value] : value) {
      if (typeof one !== 'string') throw new TokenStoreError('INVALID_ARGUMENT', `callback parameter "${name}" must be a string`);
      params.append(name, one);
    }
  }
  return params;
}
