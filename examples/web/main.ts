/**
 * `pnpm demo:web`: the web example, offline. Tokens go to a SQLite file (examples/.demo/web-tokens.db,
 * or TOKENSTORE_WEB_DB); the authorization server runs in this process. Open the printed URL, sign in
 * as anyone, connect an account (the server's login accepts any name and password), revoke it.
 */
import { mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { SQLiteStore } from '@tokenstore/store-sqlite';
import { startLocalWebApp } from './local-setup.js';

const file = process.env.TOKENSTORE_WEB_DB || join(dirname(fileURLToPath(import.meta.url)), '..', '.demo', 'web-tokens.db');
mkdirSync(dirname(file), { recursive: true });
const store = new SQLiteStore({ filename: file });
const port = process.env.PORT ? Number(process.env.PORT) : 3000;
const local = await startLocalWebApp(store, port);
console.log(`tokenstore web example: ${local.app.origin}  (tokens in ${file}; authorization server ${local.oauthServer.issuer}; Ctrl-C stops)`);

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    void local.close().then(() => store.close()).then(() => process.exit(0));
  });
}
