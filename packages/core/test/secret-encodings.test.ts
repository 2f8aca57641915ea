/**
 * Issue 10 item 4: a token endpoint that echoes the request into its error answer must not get a
 * secret into anything the engine shows, in any encoding the engine itself sends or a server re-encodes
 * it to: percent and form encoding, Basic-auth base64, base64/base64url, JSON escaping (with \uXXXX).
 * Checked in error.message / description / oauthError / the cause chain / stacks, util.inspect and
 * JSON.stringify of the error, refreshFailed events and log lines, for the three requests that carry
 * secrets: refresh, authorization-code exchange and revocation.
 */
import { inspect } from 'node:util';
import { describe, expect, it } from 'vitest';
import { Initializer, MemoryStore, OAuthToken, REDACTED, consoleLogger, customEnvironment, isTokenStoreError, type OAuthError } from '../src/index.js';
import { ECHOES, PLACEMENTS, echoingFetch } from './helpers/echo-endpoint.js';
import { basicCredentials, secretVariants } from './helpers/secret-variants.js';

const environment = customEnvironment({ tokenEndpoint: 'https://auth.example.test/token', revocationEndpoint: 'https://auth.example.test/revoke', apiUrl: 'https://api.example.test' });

// Every character class that encodes differently somewhere: + / = ~ & %, spaces, quotes, backslashes,
// !'()* (escaped by URLSearchParams, not by encodeURIComponent), non-ASCII in 2, 3 and 4 UTF-8 bytes.
const clientId = 'client id+é東/1';
const clientSecret = `cs/+=~&% "quoted" it's \\back\\ é東😀 !*()-_.=end`;
const refreshToken = `rt+/=~&%2F%25 "x" \\ é 東 😀 ==`;
const grantToken = `gt~&=+/ %41 'q' "\\" é東😀`;
const accessToken = 'a0-access-token-é東😀';

function forbidden(): string[] {
  return [...[clientSecret, refreshToken, grantToken, accessToken].flatMap(secretVariants), ...basicCredentials(clientId, clientSecret)];
}

/** Every text the engine lets out about a failure. */
function shownTexts(error: unknown, events: unknown[], lines: string[]): string[] {
  const texts: string[] = [...lines, inspect(error, { depth: 10, showHidden: true }), JSON.stringify(error), String(error)];
  for (let e = error as { message?: unknown; stack?: unknown; cause?: unknown; description?: unknown; oauthError?: unknown } | undefined, depth = 0; e && depth < 10; e = e.cause as typeof e, depth++) {
    texts.push(String(e.message), String(e.stack), String(e.description), String(e.oauthError));
  }
  for (const event of events) texts.push(inspect(event, { depth: 10, showHidden: true }), JSON.stringify(event));
  return texts;
}

type Flow = 'refresh' | 'grant' | 'revoke';

async function failOnce(flow: Flow, echo: keyof typeof ECHOES, placement: keyof typeof PLACEMENTS) {
  const store = new MemoryStore();
  const base = { userSignature: { name: 'echo-user' }, clientId, clientSecret };
  const token =
    flow !== 'grant'
      ? { id: (await store.saveToken(new OAuthToken({ ...base, refreshToken, accessToken, expiresAt: Date.now() - 1000 }))).id as string }
      : { ...base, grantToken, redirectUrl: 'https://app.example.test/cb' };
  const fetch = echoingFetch(ECHOES[echo], PLACEMENTS[placement]);
  const lines: string[] = [];
  const at = (line: string) => void lines.push(line);
  const events: unknown[] = [];
  const sdk = await Initializer.initialize({
    environment,
    store,
    fetch,
    token,
    logger: consoleLogger({ level: 'debug', console: { debug: at, info: at, warn: at, error: at } }),
    hooks: { refreshFailed: (e) => void events.push(e) },
    refresh: { retries: 1, backoffMs: 1, maxBackoffMs: 2 },
  });
  const error = await (flow === 'revoke' ? sdk.revoke() : sdk.getAccessToken()).then(
    () => undefined,
    (e: unknown) => e,
  );
  return { error, events, lines, calls: fetch.calls };
}

describe.each(['refresh', 'grant', 'revoke'] as const)('%s flow: a token endpoint echoing the request', (flow) => {
  for (const echo of Object.keys(ECHOES) as (keyof typeof ECHOES)[]) {
    for (const placement of Object.keys(PLACEMENTS) as (keyof typeof PLACEMENTS)[]) {
      it(`${echo} echoed into ${placement}: no encoding of any secret is shown`, async () => {
        const { error, events, lines, calls } = await failOnce(flow, echo, placement);
        expect(calls).toBeGreaterThan(0);
        expect(isTokenStoreError(error), String(error)).toBe(true);
        expect(events).toHaveLength(flow === 'revoke' ? 0 : 1);
        // The echo did reach the error (so this test sees what a careless server sends), scrubbed.
        const oauth = error as OAuthError;
        if (placement === 'description' || placement === 'invalidGrant' || placement === 'serverError') expect(oauth.description).toContain(REDACTED);
        if (placement === 'errorField') expect(oauth.oauthError).toContain(REDACTED);
        if (placement === 'thrown') expect(oauth.message).toContain(REDACTED);
        const shown = shownTexts(error, events, lines).join('\n');
        for (const variant of forbidden()) {
          expect(shown.includes(variant), `leaked ${JSON.stringify(variant)}`).toBe(false);
        }
      });
    }
  }
});
