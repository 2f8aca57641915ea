/**
 * Regenerates docs/web-example.png (the root README's screenshot) with the same browser and steps as
 * the end-to-end test: `pnpm --filter @tokenstore/examples exec tsx web/screenshot.ts`.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { SQLiteStore } from '@tokenstore/store-sqlite';
import { connect, launchChromium, signIn } from './browser-flow.js';
import { startLocalWebApp } from './local-setup.js';

const out = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'docs', 'web-example.png');
const dir = mkdtempSync(join(tmpdir(), 'tokenstore-web-shot-'));
const store = new SQLiteStore({ filename: join(dir, 'tokens.db') });
const local = await startLocalWebApp(store);
const browser = await launchChromium();
try {
  const page = await browser.newPage({ viewport: { width: 900, height: 330 } });
  await signIn(page, local.app.origin, 'alice');
  await connect(page, local.app.origin, 'crm', 'alice@example.com');
  await connect(page, local.app.origin, 'books', 'alice@example.com');
  await page.screenshot({ path: out });
  console.log(`wrote ${out}`);
} finally {
  await browser.close();
  await local.close();
  await store.close();
  rmSync(dir, { recursive: true, force: true });
}
