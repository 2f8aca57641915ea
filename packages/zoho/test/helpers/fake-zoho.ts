/**
 * A fake Zoho on loopback: the accounts server's token endpoint and the CRM API, enough for the
 * official SDKs to authenticate and make calls. It exists because no real server speaks Zoho's
 * dialect (multipart token requests from the SDKs, `api_domain` in the token response,
 * `Zoho-oauthtoken` authorisation); everything else in these tests is real (the SDKs from npm, the
 * stores, the databases). It counts token requests, which is what the bridge is measured by.
 */
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface FakeZohoOptions {
  clientId?: string;
  clientSecret?: string;
  /** Lifetime of an issued access token, seconds (Zoho: 3600). */
  expiresInSec?: number;
  /** Delay of every token response, ms (a real accounts server takes tens of ms). */
  tokenDelayMs?: number;
}

export interface FakeZoho {
  /** e.g. http://127.0.0.1:41234 (serves both the accounts and the API paths). */
  readonly url: string;
  readonly tokenUrl: string;
  readonly clientId: string;
  readonly clientSecret: string;
  /** Token requests received, by grant_type. */
  readonly tokenRequests: { refresh_token: number; authorization_code: number; other: number };
  /** CRM API calls received, and how many carried a valid access token. */
  readonly apiCalls: { total: number; authorised: number };
  /** A refresh token the server accepts (as if the user had authorised the app). */
  issueRefreshToken(): string;
  /** A grant token (authorization code) the server accepts once. */
  issueGrantToken(): string;
  /** Makes every issued access token invalid (as if they expired server-side). */
  expireAccessTokens(): void;
  close(): Promise<void>;
}

export async function startFakeZoho(options: FakeZohoOptions = {}): Promise<FakeZoho> {
  const clientId = options.clientId ?? '1000.FAKECLIENT';
  const clientSecret = options.clientSecret ?? 'fake-client-secret';
  const expiresInSec = options.expiresInSec ?? 3600;
  const refreshTokens = new Set<string>();
  const grantTokens = new Set<string>();
  const accessTokens = new Set<string>();
  const tokenRequests = { refresh_token: 0, authorization_code: 0, other: 0 };
  const apiCalls = { total: 0, authorised: 0 };
  let serial = 0;
  let url = '';

  const server: Server = createServer((req, res) => {
    void handle(req).then(
      ({ status, body }) => {
        res.writeHead(status, body === undefined ? {} : { 'content-type': 'application/json;charset=UTF-8' });
        res.end(body === undefined ? undefined : JSON.stringify(body));
      },
      () => res.writeHead(500).end(),
    );
  });

  async function handle(req: IncomingMessage): Promise<{ status: number; body?: unknown }> {
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    if (path === '/oauth/v2/token') {
      const form = await readForm(req);
      const grantType = form.get('grant_type') ?? '';
      if (grantType === 'refresh_token' || grantType === 'authorization_code') tokenRequests[grantType]++;
      else tokenRequests.other++;
      if (options.tokenDelayMs) await new Promise((resolve) => setTimeout(resolve, options.tokenDelayMs));
      // Zoho answers OAuth errors with HTTP 200 and an `error` field.
      if (form.get('client_id') !== clientId || form.get('client_secret') !== clientSecret) return { status: 200, body: { error: 'invalid_client' } };
      let refreshToken: string | undefined;
      if (grantType === 'refresh_token') {
        if (!refreshTokens.has(form.get('refresh_token') ?? '')) return { status: 200, body: { error: 'invalid_code' } };
      } else if (grantType === 'authorization_code') {
        const code = form.get('code') ?? '';
        if (!grantTokens.delete(code)) return { status: 200, body: { error: 'invalid_code' } };
        refreshToken = issueRefreshToken();
      } else {
        return { status: 200, body: { error: 'unsupported_grant_type' } };
      }
      const accessToken = `1000.access.${++serial}.${Math.random().toString(36).slice(2)}`;
      accessTokens.add(accessToken);
      return { status: 200, body: { access_token: accessToken, ...(refreshToken ? { refresh_token: refreshToken } : {}), api_domain: url, token_type: 'Bearer', expires_in: expiresInSec } };
    }
    if (path.startsWith('/crm/')) {
      apiCalls.total++;
      const auth = req.headers.authorization ?? '';
      const token = auth.startsWith('Zoho-oauthtoken ') ? auth.slice('Zoho-oauthtoken '.length) : '';
      if (!accessTokens.has(token)) return { status: 401, body: { code: 'INVALID_TOKEN', details: {}, message: 'invalid oauth token', status: 'error' } };
      apiCalls.authorised++;
      // 204 No Content: what Zoho answers for an empty list; it exercises the whole authorised path.
      return { status: 204 };
    }
    return { status: 404, body: { code: 'INVALID_URL_PATTERN', status: 'error' } };
  }

  function issueRefreshToken(): string {
    const token = `1000.refresh.${++serial}.${Math.random().toString(36).slice(2)}`;
    refreshTokens.add(token);
    return token;
  }

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    tokenUrl: `${url}/oauth/v2/token`,
    clientId,
    clientSecret,
    tokenRequests,
    apiCalls,
    issueRefreshToken,
    issueGrantToken() {
      const code = `1000.grant.${++serial}.${Math.random().toString(36).slice(2)}`;
      grantTokens.add(code);
      return code;
    },
    expireAccessTokens: () => accessTokens.clear(),
    close: () => new Promise<void>((resolve) => { server.closeAllConnections(); server.close(() => resolve()); }),
  };
}

/** The SDKs post multipart/form-data (form-data), tokenstore's engine posts urlencoded. */
async function readForm(req: IncomingMessage): Promise<Map<string, string>> {
  let body = '';
  for await (const chunk of req) body += chunk;
  const type = req.headers['content-type'] ?? '';
  const form = new Map<string, string>();
  const boundary = /boundary=(?:"([^"]+)"|([^;]+))/.exec(type);
  if (boundary) {
    for (const part of body.split(`--${boundary[1] ?? boundary[2]}`)) {
      const match = /name="([^"]+)"\r\n(?:[^\r\n]*\r\n)*\r\n([\s\S]*)\r\n$/.exec(part);
      if (match) form.set(match[1] as string, match[2] as string);
    }
  } else {
    for (const [key, value] of new URLSearchParams(body)) form.set(key, value);
  }
  return form;
}
