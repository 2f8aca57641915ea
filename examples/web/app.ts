/**
 * The web example: a multi-user app on node:http. A signed-in user connects an account (redirected to
 * the authorization server with state and PKCE, back to /callback), sees their connections with their
 * status, and can revoke one. All token handling is @tokenstore/core: createAuthorizationRequest,
 * completeAuthorization, Initializer.revoke. Forms carry the session's CSRF token.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Initializer, completeAuthorization, createAuthorizationRequest, isTokenStoreError, type Environment, type TokenStore } from '@tokenstore/core';
import { ConnectionStatus, storeUserName } from './connections.js';
import { connectionsPage, signInPage } from './pages.js';
import { Sessions, type Session } from './sessions.js';

export interface OAuthClientSettings {
  environment: Environment;
  authorizationEndpoint: string;
  clientId: string;
  clientSecret: string;
  scope: string;
}

export interface WebAppOptions {
  store: TokenStore;
  /** Called once the port is known: the client's redirect URI is `${origin}/callback`. */
  oauth: (origin: string) => Promise<OAuthClientSettings> | OAuthClientSettings;
  port?: number;
}

export interface WebApp {
  origin: string;
  status: ConnectionStatus;
  close(): Promise<void>;
}

const NAME = /^[A-Za-z0-9._-]{1,40}$/;

export async function startWebApp(options: WebAppOptions): Promise<WebApp> {
  const sessions = new Sessions();
  const status = new ConnectionStatus();
  const { store } = options;
  let oauth: OAuthClientSettings | undefined;
  let redirectUri = '';
  const messages = new WeakMap<Session, string>();

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://app.invalid');
    const session = sessions.of(req, res);
    if (req.method === 'GET' && url.pathname === '/') {
      if (!session.user) return html(res, signInPage(session.csrf));
      const message = messages.get(session);
      messages.delete(session);
      return html(res, connectionsPage(session.user, session.csrf, await status.list(store, session.user), message));
    }
    if (req.method === 'GET' && url.pathname === '/callback') return callback(session, req, res);
    if (req.method !== 'POST') return text(res, 404, 'not found');
    const form = new URLSearchParams(await body(req));
    if (form.get('csrf') !== session.csrf) return text(res, 403, 'bad CSRF token');
    switch (url.pathname) {
      case '/signin': {
        const user = form.get('user') ?? '';
        if (!NAME.test(user)) return text(res, 400, 'bad user name');
        session.user = user;
        return redirect(res, '/');
      }
      case '/signout':
        session.user = undefined;
        session.connecting = undefined;
        return redirect(res, '/');
      case '/connect': {
        const account = form.get('account') ?? '';
        if (!session.user || !NAME.test(account) || !oauth) return text(res, 400, 'sign in and name the account');
        const request = createAuthorizationRequest({ environment: oauth.environment, authorizationEndpoint: oauth.authorizationEndpoint, clientId: oauth.clientId, redirectUri, scope: oauth.scope, extraParams: { prompt: 'consent' } });
        session.connecting = { pending: request.pending, account };
        return redirect(res, request.url);
      }
      case '/revoke': {
        const id = form.get('id') ?? '';
        const record = session.user ? await store.findTokenById(id) : null;
        // Only the signed-in user's own records: an id from the form is never trusted by itself.
        if (!record || !session.user || !record.userSignature?.name.startsWith(`${session.user}/`) || !oauth) return text(res, 404, 'no such connection');
        const sdk = await Initializer.initialize({ environment: oauth.environment, store, token: { id } });
        await sdk.revoke();
        await sdk.close();
        status.lastRefresh.delete(id);
        status.reauthorizationRequired.delete(id);
        return redirect(res, '/');
      }
      default:
        return text(res, 404, 'not found');
    }
  }

  async function callback(session: Session, req: IncomingMessage, res: ServerResponse): Promise<void> {
    // Taken out of the session first: a pending authorization is used by one callback at most.
    const connecting = session.connecting;
    session.connecting = undefined;
    if (!session.user || !connecting || !oauth) return text(res, 400, 'no authorization in progress for this session');
    try {
      const sdk = await completeAuthorization({
        environment: oauth.environment,
        store,
        callback: req.url ?? '',
        pending: connecting.pending,
        user: storeUserName(session.user, connecting.account),
        clientSecret: oauth.clientSecret,
      });
      status.lastRefresh.set(sdk.token.id as string, Date.now());
      status.reauthorizationRequired.delete(sdk.token.id as string);
      await sdk.close();
    } catch (error) {
      // Coded errors only (their messages carry no secret); anything else is a bug worth a 500.
      if (!isTokenStoreError(error)) throw error;
      messages.set(session, `Connecting ${connecting.account} failed: ${error.code}`);
    }
    return redirect(res, '/');
  }

  const server: Server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      console.error('[web example]', isTokenStoreError(error) ? `${error.code}: ${error.message}` : error);
      if (!res.headersSent) text(res, 500, 'internal error');
      else res.end();
    });
  });
  await new Promise<void>((resolve) => server.listen(options.port ?? 0, '127.0.0.1', resolve));
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  redirectUri = `${origin}/callback`;
  oauth = await options.oauth(origin);
  return {
    origin,
    status,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      }),
  };
}

function html(res: ServerResponse, page: string): void {
  res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' }).end(page);
}

function text(res: ServerResponse, status: number, message: string): void {
  res.writeHead(status, { 'content-type': 'text/plain; charset=utf-8' }).end(message);
}

function redirect(res: ServerResponse, location: string): void {
  res.writeHead(303, { location }).end();
}

async function body(req: IncomingMessage): Promise<string> {
  let size = 0;
  const chunks: Buffer[] = [];
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > 64 * 1024) throw new Error('form too large');
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}
