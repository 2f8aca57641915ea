/**
 * A fake token endpoint that echoes what it was sent back into its error answer, the way careless
 * servers and proxies do: for the secrets tests only (a real server does not leak on demand).
 */
import { stringify as querystringStringify } from 'node:querystring';
import type { FetchLike } from '../../src/index.js';
import { asciiJson, basicCredentials, lowerHex } from './secret-variants.js';

/** What the server copies into its answer. */
export const ECHOES: Readonly<Record<'rawBody' | 'reencodedBody' | 'authorization' | 'json' | 'base64', (r: EchoRequest) => string>> = {
  /** The request body as it arrived. */
  rawBody: (r: EchoRequest) => r.body,
  /** Form-decoded and re-encoded by another library (querystring: %20 for space, !'()~ unescaped, lowercase hex). */
  reencodedBody: (r: EchoRequest) => `${querystringStringify(Object.fromEntries(r.form))} | ${lowerHex(r.body)}`,
  /** The Authorization header, or the Basic credentials the server would have wanted instead. */
  authorization: (r: EchoRequest) => {
    const id = r.form.get('client_id') ?? '';
    const secret = r.form.get('client_secret') ?? '';
    const wanted = basicCredentials(id, secret).map((c) => `Basic ${c}`);
    return `got Authorization: ${r.headers.get('authorization') ?? '(none)'}; expected ${wanted.join(' or ')}`;
  },
  /** The form as JSON: JSON.stringify, and ASCII-only JSON (\uXXXX escapes for non-ASCII). */
  json: (r: EchoRequest) => {
    const fields = Object.fromEntries(r.form);
    return `${JSON.stringify(fields)} ${Object.values(fields).map((v) => `"${asciiJson(v, false)}"`).join(',')}`;
  },
  /** Each value base64- and base64url-encoded (a server logging "opaque" values). */
  base64: (r: EchoRequest) =>
    [...r.form.values()].map((v) => `${Buffer.from(v).toString('base64')} ${Buffer.from(v).toString('base64url')}`).join(' '),
} as const;

/** Where the echo goes in the answer. */
export const PLACEMENTS: Readonly<Record<'description' | 'invalidGrant' | 'errorField' | 'html5xx' | 'serverError' | 'thrown', (echo: string) => Response>> = {
  /** HTTP 400 {"error":"invalid_request","error_description":echo}. */
  description: (echo: string) => json(400, { error: 'invalid_request', error_description: echo }),
  /** HTTP 400 invalid_grant with the echo as description: the engine wraps it as a cause. */
  invalidGrant: (echo: string) => json(400, { error: 'invalid_grant', error_description: echo }),
  /** The echo as the `error` code itself. */
  errorField: (echo: string) => json(400, { error: echo }),
  /** HTTP 503 with a non-JSON body. */
  html5xx: (echo: string) => new Response(`<html><body><pre>${echo}</pre></body></html>`, { status: 503, headers: { 'content-type': 'text/html' } }),
  /** JSON 500 server_error with the echo as description (transient). */
  serverError: (echo: string) => json(500, { error: 'server_error', error_description: echo }),
  /** fetch itself rejects with the echo in its message and its cause's (a proxy or agent error). */
  thrown: (echo) => {
    throw new TypeError(`fetch failed: ${echo}`, { cause: new Error(`upstream said: ${echo}`) });
  },
} as const;

export interface EchoRequest {
  body: string;
  form: URLSearchParams;
  headers: Headers;
}

function json(status: number, body: unknown): Response {
  return new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });
}

/** A fetch answering every request with `placement(echo(request))`. */
export function echoingFetch(echo: (r: EchoRequest) => string, placement: (echo: string) => Response): FetchLike & { calls: number } {
  const fetch = (async (_input: string | URL | Request, init: RequestInit = {}) => {
    fetch.calls++;
    const body = typeof init.body === 'string' ? init.body : '';
    return placement(echo({ body, form: new URLSearchParams(body), headers: new Headers(init.headers) }));
  }) as FetchLike & { calls: number };
  fetch.calls = 0;
  return fetch;
}
