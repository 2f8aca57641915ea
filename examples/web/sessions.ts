/**
 * Who is signed in to the web app: an opaque random cookie naming a server-side session. The session
 * holds the app user, a CSRF token for the forms, and the pending authorization (its PKCE verifier must
 * never reach the browser). In memory: a restart signs everyone out, which is fine for a demo.
 */
import { randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { PendingAuthorization } from '@tokenstore/core';

export interface Session {
  user: string | undefined;
  csrf: string;
  /** Set between "Connect" and the callback; taken (deleted) by the callback. */
  connecting: { pending: PendingAuthorization; account: string } | undefined;
}

// Not "sid": the authorization server runs on the same host (another port), and cookies ignore ports.
const COOKIE = 'tokenstore_web_session';

export class Sessions {
  readonly #byId = new Map<string, Session>();

  /** The request's session, creating one (and setting its cookie) when there is none. */
  of(req: IncomingMessage, res: ServerResponse): Session {
    const id = cookieValue(req.headers.cookie, COOKIE);
    const existing = id === undefined ? undefined : this.#byId.get(id);
    if (existing) return existing;
    const fresh: Session = { user: undefined, csrf: randomBytes(24).toString('base64url'), connecting: undefined };
    const newId = randomBytes(24).toString('base64url');
    this.#byId.set(newId, fresh);
    res.setHeader('set-cookie', `${COOKIE}=${newId}; Path=/; HttpOnly; SameSite=Lax`);
    return fresh;
  }
}

function cookieValue(header: string | undefined, name: string): string | undefined {
  for (const part of (header ?? '').split(';')) {
    const [key, ...rest] = part.trim().split('=');
    if (key === name) return rest.join('=');
  }
  return undefined;
}
