/**
 * One process of the multi-process refresh herd: opens the shared store, loads the token by user, and on
 * each 'go' fires its concurrent getAccessToken() calls at the agreed instant. Spawned once per run and
 * reused for every store and variant (init / prepare / go / teardown).
 */
import { createHash } from 'node:crypto';
import { Initializer, customEnvironment, type TokenStore } from '@tokenstore/core';
import { withoutLock } from '../lib/counting.js';
import { adapterFor } from '../stores/registry.js';
import { noSingleFlight, type ChildMessage, type HerdInit, type ParentMessage } from './herd-protocol.js';


let init: HerdInit | undefined;
let store: TokenStore | undefined;
let raw: TokenStore | undefined;
let sdk: Initializer | undefined;

const send = (m: ChildMessage) => new Promise<void>((resolve) => process.send?.(m, () => resolve()));
const fp = (s: string) => createHash('sha256').update(s).digest('hex').slice(0, 12);

async function handle(m: ParentMessage): Promise<void> {
  switch (m.type) {
    case 'init': {
      init = m;
      raw = await (await adapterFor(m.kind)).openStoreOnly(m.name);
      store = m.lock ? raw : withoutLock(raw);
      return send({ type: 'ready' });
    }
    case 'prepare': {
      const c = init as HerdInit;
      await sdk?.close().catch(() => undefined);
      sdk = await Initializer.initialize({
        environment: customEnvironment({ name: 'bench-herd', ...c.environment }),
        store: store as TokenStore,
        token: { userSignature: { name: c.user } },
        ...(c.singleFlight ? {} : { registry: noSingleFlight }),
      });
      return send({ type: 'prepared' });
    }
    case 'go': {
      const c = init as HerdInit;
      const wait = m.startAt - Date.now();
      if (wait > 0) await new Promise((r) => setTimeout(r, wait));
      const started = performance.now();
      const report = { ok: 0, errors: {} as Record<string, number>, tokens: {} as Record<string, number>, ms: 0 };
      await Promise.all(
        Array.from({ length: c.calls }, async () => {
          try {
            const t = fp(await (sdk as Initializer).getAccessToken());
            report.tokens[t] = (report.tokens[t] ?? 0) + 1;
            report.ok++;
          } catch (error) {
            const code = String((error as { code?: unknown }).code ?? (error as Error).name);
            report.errors[code] = (report.errors[code] ?? 0) + 1;
          }
        }),
      );
      report.ms = performance.now() - started;
      return send({ type: 'result', report });
    }
    case 'teardown': {
      await sdk?.close().catch(() => undefined);
      await raw?.close?.().catch(() => undefined);
      sdk = undefined;
      raw = undefined;
      store = undefined;
      return send({ type: 'done' });
    }
    case 'exit':
      process.exit(0);
  }
}

let queue = Promise.resolve();
process.on('message', (m: ParentMessage) => {
  queue = queue
    .then(() => handle(m))
    .catch(async (error: unknown) => {
      await send({ type: 'fatal', message: String((error as Error)?.stack ?? error) });
    });
});
process.on('disconnect', () => process.exit(2));
