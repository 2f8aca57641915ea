/**
 * Just enough of a cookie jar to carry oidc-provider's session and
 * interaction cookies across the headless login/consent redirects.
 *
 * Path matters: the interaction cookie is scoped to `/interaction/<uid>` and
 * the resume cookie to `/auth/<uid>`, so cookies are keyed by name and path
 * and sent only where their path matches. Domain, Secure and SameSite are
 * irrelevant on a single loopback origin and ignored.
 */
interface StoredCookie {
  name: string;
  value: string;
  path: string;
  expiresAt: number | undefined;
}

export class CookieJar {
  readonly #cookies = new Map<string, StoredCookie>();

  /** Records every Set-Cookie header of a response. */
  store(response: Response, requestUrl: URL): void {
    for (const header of response.headers.getSetCookie()) this.#storeOne(header, requestUrl);
  }

  /** The Cookie header value for a request to `url`, or undefined if none apply. */
  header(url: URL): string | undefined {
    const now = Date.now();
    const matching = [...this.#cookies.values()]
      .filter((c) => (c.expiresAt === undefined || c.expiresAt > now) && pathMatches(url.pathname, c.path))
      // RFC 6265 5.4: longer paths first.
      .sort((a, b) => b.path.length - a.path.length);
    return matching.length ? matching.map((c) => `${c.name}=${c.value}`).join('; ') : undefined;
  }

  #storeOne(header: string, requestUrl: URL): void {
    const [pair = '', ...attributes] = header.split(';');
    const eq = pair.indexOf('=');
    if (eq <= 0) return;
    const cookie: StoredCookie = {
      name: pair.slice(0, eq).trim(),
      value: pair.slice(eq + 1).trim(),
      path: defaultPath(requestUrl),
      expiresAt: undefined,
    };
    for (const attribute of attributes) {
      const [rawKey = '', ...rest] = attribute.split('=');
      const key = rawKey.trim().toLowerCase();
      const value = rest.join('=').trim();
      if (key === 'path' && value.startsWith('/')) cookie.path = value;
      // Max-Age wins over Expires (RFC 6265 5.3 step 3); it is applied after.
      if (key === 'expires' && cookie.expiresAt === undefined) cookie.expiresAt = Date.parse(value);
    }
    for (const attribute of attributes) {
      const [rawKey = '', value = ''] = attribute.split('=');
      if (rawKey.trim().toLowerCase() === 'max-age') cookie.expiresAt = Date.now() + Number(value.trim()) * 1000;
    }

    const key = `${cookie.name};${cookie.path}`;
    if (cookie.expiresAt !== undefined && cookie.expiresAt <= Date.now()) this.#cookies.delete(key);
    else this.#cookies.set(key, cookie);
  }
}

function pathMatches(requestPath: string, cookiePath: string): boolean {
  if (requestPath === cookiePath) return true;
  if (!requestPath.startsWith(cookiePath)) return false;
  return cookiePath.endsWith('/') || requestPath.charAt(cookiePath.length) === '/';
}

function defaultPath(url: URL): string {
  const path = url.pathname;
  const lastSlash = path.lastIndexOf('/');
  return lastSlash <= 0 ? '/' : path.slice(0, lastSlash);
}
