/**
 * The authorization server of the refresh race (durability.engine.one-refresh-per-expiry): a token
 * endpoint on loopback, in the suite's process (the published suite cannot bring a real server). It
 * behaves like a server with refresh-token rotation and reuse detection: each refresh spends the
 * refresh token it was sent and issues the next generation; a spent or unknown one gets invalid_grant.
 *
 * Two things make the race strict rather than lucky:
 * - GET /go is a barrier: every process waits there until all of them are ready, so they ask for the
 *   expired token at the same moment however slowly each one started;
 * - each token answer is held until every process has asked or `holdMs` passed, so when a lock lets
 *   several processes through, all of them are caught asking before the first one can save.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';

/** The tokens of generation `n` (0 is what the suite seeds). Not secrets: fixed test values. */
export function refreshGeneration(n: number) {
  return { accessToken: `durability-access-${n}`, refreshToken: `durability-refresh-${n}` };
}

export interface RefreshEndpoint {
  /** e.g. http://127.0.0.1:1234: the token endpoint is `${url}/token`, the barrier `${url}/go`. */
  readonly url: string;
  /** Token requests received, successful or not. */
  readonly requests: number;
  /** Requests answered with invalid_grant (a spent or unknown refresh token). */
  readonly invalidGrants: number;
  close(): Promise<void>;
}

export interface RefreshEndpointOptions {
  /** Processes that take part: the barrier opens, and held answers go out, once this many arrived. */
  parties: number;
  /** Longest time an answer is held for the other parties (default 500 ms). */
  holdMs?: number;
  /** Longest wait at the barrier before answering 504 (a process died before it got there). */
  barrierTimeoutMs?: number;
}

export async function startRefreshEndpoint(options: RefreshEndpointOptions): Promise<RefreshEndpoint> {
  const holdMs = options.holdMs ?? 500;
  const barrierTimeoutMs = options.barrierTimeoutMs ?? 60_000;
  let generation = 0;
  let requests = 0;
  let invalidGrants = 0;
  const atBarrier: ServerResponse[] = [];
  const held: (() => void)[] = [];
  const timers = new Set<NodeJS.Timeout>();
  const later = (ms: number, run: () => void) => {
    const timer = setTimeout(() => (timers.delete(timer), run()), ms);
    timers.add(timer);
  };

  const barrier = (response: ServerResponse) => {
    atBarrier.push(response);
    if (atBarrier.length >= options.parties) for (const waiting of atBarrier.splice(0)) waiting.writeHead(200).end('go');
    else later(barrierTimeoutMs, () => void (response.writableEnded || response.writeHead(504).end('not every process reached the barrier')));
  };

  const token = (body: URLSearchParams, response: ServerResponse) => {
    requests++;
    // Decided on arrival, as a server does: the first request with the current refresh token wins.
    const current = refreshGeneration(generation).refreshToken;
    let answer: { status: number; body: object };
    if (body.get('grant_type') !== 'refresh_token' || body.get('refresh_token') !== current) {
      invalidGrants++;
      answer = { status: 400, body: { error: 'invalid_grant', error_description: 'refresh token spent or unknown' } };
    } else {
      const next = refreshGeneration(++generation);
      answer = { status: 200, body: { access_token: next.accessToken, refresh_token: next.refreshToken, token_type: 'Bearer', expires_in: 3600 } };
    }
    const send = () => void (response.writableEnded || response.writeHead(answer.status, { 'content-type': 'application/json' }).end(JSON.stringify(answer.body)));
    held.push(send);
    if (requests >= options.parties) for (const release of held.splice(0)) release();
    else later(holdMs, send);
  };

  const server = createServer((request: IncomingMessage, response: ServerResponse) => {
    let raw = '';
    request.setEncoding('utf8').on('data', (chunk: string) => (raw += chunk));
    request.on('end', () => {
      if (request.method === 'GET' && request.url === '/go') barrier(response);
      else if (request.method === 'POST' && request.url === '/token') token(new URLSearchParams(raw), response);
      else response.writeHead(404).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('runDurabilitySuite: the refresh endpoint got no port');
  return {
    url: `http://127.0.0.1:${address.port}`,
    get requests() {
      return requests;
    },
    get invalidGrants() {
      return invalidGrants;
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const timer of timers) clearTimeout(timer);
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
