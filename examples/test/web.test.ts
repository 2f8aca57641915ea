/**
 * The web example end to end in real headless Chromium (Debian's /usr/bin/chromium through
 * playwright-core): two users, each in their own browser context (own cookies), sign in, connect an
 * account through the authorization server's login and consent pages (state + PKCE required), and
 * one revokes. After every step the page and the SQLite store must agree.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OAuthToken } from '@tokenstore/core';
import { SQLiteStore } from '@tokenstore/store-sqlite';
import { connect, launchChromium, revoke, shownConnections, signIn } from '../web/browser-flow.js';
import { startLocalWebApp, type LocalWebApp } from '../web/local-setup.js';

let dir: string;
let store: SQLiteStore;
let local: LocalWebApp;
let browser: Browser;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'tokenstore-web-'));
  store = new SQLiteStore({ filename: join(dir, 'tokens.db') });
  local = await startLocalWebApp(store);
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
  await local?.close();
  await store?.close();
  rmSync(dir, { recursive: true, force: true });
});

async function storedConnections(): Promise<Array<{ user: string; hasRefreshToken: boolean }>> {
  const tokens = await store.getTokens();
  return tokens.map((t) => ({ user: t.userSignature?.name ?? '', hasRefreshToken: Boolean(t.refreshToken) })).sort((a, b) => a.user.localeCompare(b.user));
}

describe('web example in headless Chromium', () => {
  it('two users connect, one revokes: the pages and the store agree', async () => {
    const { origin } = local.app;
    const alice = await (await browser.newContext()).newPage();
    const bob = await (await browser.newContext()).newPage();

    await signIn(alice, origin, 'alice');
    await signIn(bob, origin, 'bob');
    expect(await alice.isVisible('#no-connections')).toBe(true);

    await connect(alice, origin, 'crm', 'alice@example.com');
    await connect(bob, origin, 'crm', 'bob@example.com');
    expect(local.oauthServer.counts.authorizationCode).toBe(2);
    expect(await storedConnections()).toEqual([
      { user: 'alice/crm', hasRefreshToken: true },
      { user: 'bob/crm', hasRefreshToken: true },
    ]);
    // Each sees their own connection only, valid.
    await alice.reload();
    expect(await shownConnections(alice)).toEqual([{ account: 'crm', status: 'valid' }]);
    expect(await shownConnections(bob)).toEqual([{ account: 'crm', status: 'valid' }]);
    expect(await alice.textContent('body')).not.toContain('bob');

    // The stored token is the user's own at the server.
    const bobRecord = (await store.findToken(new OAuthToken({ userSignature: { name: 'bob/crm' } })))!;
    const me = await fetch(`${local.oauthServer.issuer}/api/me`, { headers: { authorization: `Bearer ${bobRecord.accessToken}` } });
    expect(((await me.json()) as { sub: string }).sub).toBe('bob@example.com');

    await revoke(bob, origin, 'crm');
    expect(local.oauthServer.counts.revocation).toBe(1);
    expect(await bob.isVisible('#no-connections')).toBe(true);
    expect(await storedConnections()).toEqual([{ user: 'alice/crm', hasRefreshToken: true }]);
    await alice.reload();
    expect(await shownConnections(alice)).toEqual([{ account: 'crm', status: 'valid' }]);
    // Revoked at the server too: bob's refresh token no longer refreshes.
    const refresh = await fetch(local.oauthServer.tokenEndpoint, {
      method: 'POST',
      body: new URLSearchParams({ grant_type: 'refresh_token', refresh_token: bobRecord.refreshToken!, client_id: 'tokenstore-web-example', client_secret: 'tokenstore-web-example-secret' }),
    });
    expect(((await refresh.json()) as { error: string }).error).toBe('invalid_grant');
  });

  it("a callback with a forged state is refused with its code, and nothing is stored", async () => {
    const page = await (await browser.newContext()).newPage();
    await signIn(page, local.app.origin, 'carol');
    const before = (await store.getTokens()).length;
    // Carol starts connecting (her session now holds a pending authorization), then lands on a
    // callback someone else crafted.
    await page.fill('input[name=account]', 'crm');
    await page.click('button:has-text("Connect an account")');
    await page.waitForSelector('input[name=login]');
    await page.goto(`${local.app.origin}/callback?code=stolen-code&state=forged-state`);
    expect(await page.textContent('#message')).toContain('AUTHORIZATION_STATE_MISMATCH');
    expect(await page.isVisible('#no-connections')).toBe(true);
    expect(await store.getTokens()).toHaveLength(before);
    // The pending authorization was consumed by that callback: the genuine one cannot follow it.
    await page.goto(`${local.app.origin}/callback?code=x&state=y`);
    expect(await page.textContent('body')).toContain('no authorization in progress');
  });
});
