// A contender on one FileStore file, run as a child process (optionally starting worker threads
// inside it) by test/contention.test.ts and test/stalled-holder.test.ts. Imports the BUILT dist.
//
//   contend.mjs '<json config>'
//     { dist, file, tag, saves, leaseEvery, threads, holding, options }
//   Each contender saves `saves` distinct users `<tag>-<i>`, printing `ack <name>` right after each
//   save returned (synchronously: printed means acknowledged). Every `leaseEvery` saves it asks for
//   lease "k"; while holding it, it creates `holding` with O_EXCL (EEXIST: someone else holds the
//   lease too, an overlap) and removes it before releasing. With `threads` > 0 the process runs that
//   many worker threads (tags `<tag>.t<n>`) instead of working itself. Last line: `done <json>`.
import { openSync, closeSync, unlinkSync, writeSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { Worker, isMainThread, parentPort, workerData } from 'node:worker_threads';

const config = isMainThread ? JSON.parse(process.argv[2]) : workerData;
const say = (line) => (isMainThread ? writeSync(1, `${line}\n`) : parentPort.postMessage({ line }));
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

async function contend({ dist, file, tag, saves, leaseEvery = 0, holding, options = {} }) {
  const { FileStore } = await import(pathToFileURL(dist).href);
  const { OAuthToken } = await import('@tokenstore/core');
  const store = new FileStore({ path: file, ...options });
  const summary = { acknowledged: 0, errors: [], holds: 0, overlaps: 0 };
  for (let i = 0; i < saves; i++) {
    const name = `${tag}-${i}`;
    try {
      await store.saveToken(new OAuthToken({ userSignature: { name }, clientId: 'c', accessToken: `at-${name}` }));
      summary.acknowledged++;
      say(`ack ${name}`);
    } catch (error) {
      summary.errors.push(error.code ?? String(error));
    }
    if (leaseEvery > 0 && i % leaseEvery === 0) {
      const owner = `${tag}/${i}`;
      if (await store.lock.acquire('k', owner, 30_000)) {
        summary.holds++;
        let mine = false;
        try {
          closeSync(openSync(holding, 'wx'));
          mine = true;
        } catch (error) {
          if (error.code !== 'EEXIST') throw error;
          summary.overlaps++;
        }
        await sleep(2);
        if (mine) unlinkSync(holding);
        await store.lock.release('k', owner);
      }
    }
  }
  await store.close();
  return summary;
}

if (!isMainThread) {
  parentPort.postMessage({ summary: await contend(config) });
} else if (!(config.threads > 0)) {
  say(`done ${JSON.stringify(await contend(config))}`);
} else {
  const summaries = await Promise.all(
    Array.from({ length: config.threads }, (_, t) => new Promise((resolve, reject) => {
      const worker = new Worker(new URL(import.meta.url), { workerData: { ...config, tag: `${config.tag}.t${t}` } });
      worker.on('message', (message) => (message.line !== undefined ? say(message.line) : resolve(message.summary)));
      worker.on('error', reject);
      worker.on('exit', (code) => (code === 0 ? undefined : reject(new Error(`thread ${t} exited with ${code}`))));
    })),
  );
  const total = { acknowledged: 0, errors: [], holds: 0, overlaps: 0 };
  for (const s of summaries) {
    total.acknowledged += s.acknowledged;
    total.errors.push(...s.errors);
    total.holds += s.holds;
    total.overlaps += s.overlaps;
  }
  say(`done ${JSON.stringify(total)}`);
}
