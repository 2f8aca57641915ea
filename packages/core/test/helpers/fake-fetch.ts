/**
 * A scripted fake fetch, for faults only (5xx, 429, timeouts, error bodies, non-JSON): everything else
 * is tested against the real oidc-provider server.
 */
import type { FetchLike } from '../../src/index.js';

export type Step =
  | { status?: number; json?: unknown; text?: string; headers?: Record<string, string>; delayMs?: number }
  | 'timeout'
  | 'network'
  | ((request: RecordedCall) => Response | Promise<Response>);

export interface RecordedCall {
  url: string;
  method: string;
  headers: Headers;
  /** The form body, parsed. */
  form: URLSearchParams;
  at: number;
}

export interface ScriptedFetch extends FetchLike {
  calls: RecordedCall[];
  /** Steps not consumed yet. */
  remaining(): number;
}

export function scriptedFetch(steps: Step[]): ScriptedFetch {
  const queue = [...steps];
  const calls: RecordedCall[] = [];
  const fetch = (async (input: string | URL | Request, init: RequestInit = {}) => {
    const call: RecordedCall = {
      url: String(input instanceof Request ? input.url : input),
      method: init.method ?? 'GET',
      headers: new Headers(init.headers),
      form: new URLSearchParams(typeof init.body === 'string' ? init.body : ''),
      at: Date.now(),
    };
    calls.push(call);
    const step = queue.shift();
    if (step === undefined) throw new Error(`scriptedFetch: unexpected request #${calls.length}`);
    if (step === 'network') throw new TypeError('fetch failed', { cause: Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:9'), { code: 'ECONNREFUSED' }) });
    if (step === 'timeout') {
      return new Promise<Response>((_resolve, reject) => {
        const signal = init.signal;
        if (!signal) return;
        const abort = () => reject(signal.reason ?? new DOMException('aborted', 'AbortError'));
        if (signal.aborted) abort();
        else signal.addEventListener('abort', abort, { once: true });
      });
    }
    if (typeof step === 'function') return step(call);
    if (step.delayMs) await new Promise((r) => setTimeout(r, step.delayMs));
    return respond(step);
  }) as ScriptedFetch;
  fetch.calls = calls;
  fetch.remaining = () => queue.length;
  return fetch;
}

/** The response a scripted step describes. */
export function respond(step: Exclude<Step, string | ((request: RecordedCall) => unknown)>): Response {
  const body = step.text ?? (step.json === undefined ? '' : JSON.stringify(step.json));
  const headers = { 'content-type': step.text === undefined ? 'application/json' : 'text/html', ...step.headers };
  return new Response(body, { status: step.status ?? 200, headers });
}

/** A token response body like a real server's. */
export function tokenBody(n: number, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return { access_token: `fake-access-${n}-${'a'.repeat(12)}`, token_type: 'Bearer', expires_in: 3600, ...extra };
}
