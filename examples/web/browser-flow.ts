/**
 * What a person does in the browser, as playwright-core steps: sign in to the app, connect an account
 * (log in and consent at the authorization server's own pages), revoke. Used by the end-to-end test
 * and by the README screenshot script, with Debian's chromium (no browser download).
 */
import { chromium, type Browser, type Page } from 'playwright-core';

export const CHROMIUM = process.env.CHROMIUM_PATH || '/usr/bin/chromium';

export function launchChromium(): Promise<Browser> {
  // --no-sandbox: CI containers run as root, where Chromium's sandbox cannot start.
  return chromium.launch({ executablePath: CHROMIUM, headless: true, args: ['--no-sandbox'] });
}

export async function signIn(page: Page, origin: string, user: string): Promise<void> {
  await page.goto(`${origin}/`);
  await page.fill('input[name=user]', user);
  await page.click('button:has-text("Sign in")');
  await page.waitForSelector('#user');
}

/** Connect → the server's login page (unless already logged in there) → its consent page → back at the app's connection list. */
export async function connect(page: Page, origin: string, account: string, serverLogin: string): Promise<void> {
  await page.fill('input[name=account]', account);
  await page.click('button:has-text("Connect an account")');
  // A user already logged in at the server (an earlier connection) goes straight to consent.
  await page.waitForSelector('input[name=login], button[type=submit]:has-text("Continue")');
  if (await page.isVisible('input[name=login]')) {
    await page.fill('input[name=login]', serverLogin);
    await page.fill('input[name=password]', 'any-password');
    await page.click('button[type=submit]');
    await page.waitForSelector('button[type=submit]:has-text("Continue")');
  }
  await page.click('button[type=submit]:has-text("Continue")');
  await page.waitForURL(`${origin}/`);
  await page.waitForSelector(`tr[data-connection="${account}"]`);
}

export async function revoke(page: Page, origin: string, account: string): Promise<void> {
  await page.click(`tr[data-connection="${account}"] button:has-text("Revoke")`);
  await page.waitForURL(`${origin}/`);
  await page.waitForSelector(`tr[data-connection="${account}"]`, { state: 'detached' });
}

/** The connection rows as the page shows them: account and status. */
export async function shownConnections(page: Page): Promise<Array<{ account: string; status: string }>> {
  return page.$$eval('tr[data-connection]', (rows) =>
    rows.map((row) => ({ account: row.getAttribute('data-connection') ?? '', status: row.querySelector('td.status')?.textContent?.trim() ?? '' })),
  );
}
