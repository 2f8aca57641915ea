/**
 * The child process of the durability suite (dist/durability-worker.js):
 *
 *   durability-worker.js <module file URL> MODE <location> ...
 *     save-loop <location> <run>          save crash tokens forever, printing "N i" / "H i" after each save returned
 *     save-many <location> <tag> <count> <at>  at time <at>, save <count> distinct tokens, print "done"
 *     save-same <location> <user> <at>    at time <at>, save one new user's token 5 times at once, print the ids
 *     lease <location> <owner> <at>       at time <at>, try to acquire lease "k", print "true"/"false"
 *     refresh <location> <server> <user>  an Initializer for <user>; print "ready", wait at <server>/go,
 *                                         then ask for the access token: print "token <t>" or "error <code>"
 */
import { writeSync } from 'node:fs';
import { customEnvironment, Initializer, OAuthToken } from '@tokenstore/core';
import { resolveConformanceOptions } from '../options.js';
import { durabilityOf } from './durability-options.js';
import { crashToken, hotToken } from './durability-tokens.js';

const [moduleUrl, mode, location, a, b, c] = process.argv.slice(2) as [string, string, string, string, string, string];

// No top-level await: the package's CJS build bundles this entry too.
async function main(): Promise<void> {
  const durability = durabilityOf(await resolveConformanceOptions(await import(moduleUrl)));
  const store = await durability.openStore(location);
  // Synchronous: a printed line means the save had returned before any kill.
  const say = (line: string) => writeSync(1, `${line}\n`);
  const waitUntil = async (at: number) => {
    while (Date.now() < at) await new Promise((r) => setTimeout(r, Math.min(5, at - Date.now())));
  };

  if (mode === 'save-loop') {
    const run = Number(a);
    say('ready');
    for (let i = 0; ; i++) {
      await store.saveToken(new OAuthToken(crashToken(run, i)));
      say(`N ${i}`);
      await store.saveToken(new OAuthToken(hotToken(run, i)));
      say(`H ${i}`);
    }
  } else if (mode === 'save-many') {
    // A shared start, so the processes' saves overlap however slowly each one starts.
    await waitUntil(Number(c));
    for (let i = 0; i < Number(b); i++) {
      await store.saveToken(new OAuthToken({ userSignature: { name: `${a}-${i}` }, clientId: 'c', accessToken: `${a}-${i}` }));
    }
    say('done');
  } else if (mode === 'save-same') {
    await waitUntil(Number(b));
    const saved = await Promise.all(Array.from({ length: 5 }, (_, i) => store.saveToken(new OAuthToken({ userSignature: { name: a }, clientId: 'c', accessToken: `${process.pid}-${i}` }))));
    say(saved.map((t) => t.id).join(' '));
  } else if (mode === 'lease') {
    if (!store.lock) throw new Error('the store has no lock');
    await waitUntil(Number(b));
    say(String(await store.lock.acquire('k', a, 60_000)));
  } else if (mode === 'refresh') {
    const sdk = await Initializer.initialize({
      environment: customEnvironment({ name: 'durability', tokenEndpoint: `${a}/token` }),
      store,
      token: { userSignature: { name: b } },
      refresh: { lockPollMs: 10 },
    });
    say('ready');
    const go = await fetch(`${a}/go`);
    if (!go.ok) throw new Error(`the barrier answered ${go.status}: ${await go.text()}`);
    try {
      say(`token ${await sdk.getAccessToken()}`);
    } catch (error) {
      say(`error ${(error as { code?: string }).code ?? String(error)}`);
    }
    await sdk.close();
  } else {
    throw new Error(`unknown mode ${mode}`);
  }
  await store.close?.();
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? (error.stack ?? error.message) : String(error));
  process.exit(1);
});
