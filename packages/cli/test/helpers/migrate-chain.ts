import { join } from 'node:path';
import { TEST_URLS, uniqueName } from '@tokenstore/store-testkit';
import { runCli, type CliResult } from './run-cli.js';

export interface Hop {
  readonly from: string;
  readonly to: string;
  /** Wall time of the CLI process (start, read, copy, verify, exit). */
  readonly wallMs: number;
  /** Tokens per second of the copy alone, as the CLI reports it. */
  readonly copyRate: number;
  readonly result: CliResult;
}

/** The chain: sqlite -> postgres -> mongodb -> mysql -> file -> sqlite, in fresh tables. */
export function chainUrls(dir: string): string[] {
  return [
    `sqlite:${join(dir, 'source.db')}`,
    `${TEST_URLS.postgres}?table=${uniqueName('cli_chain')}`,
    `${TEST_URLS.mongo}?collection=${uniqueName('cli_chain')}`,
    `${TEST_URLS.mysql}?table=${uniqueName('cli_chain')}`,
    `file:${join(dir, 'tokens.json')}`,
    `sqlite:${join(dir, 'final.db')}`,
  ];
}

/** Runs every hop of the chain in turn; stops at the first that does not exit 0. */
export async function runChain(urls: string[]): Promise<Hop[]> {
  const hops: Hop[] = [];
  for (let i = 0; i + 1 < urls.length; i++) {
    const started = Date.now();
    const result = await runCli(['migrate', '--from', urls[i] as string, '--to', urls[i + 1] as string]);
    const rate = Number(/\((\d+) tokens\/s\)/.exec(result.stdout)?.[1] ?? Number.NaN);
    hops.push({ from: urls[i] as string, to: urls[i + 1] as string, wallMs: Date.now() - started, copyRate: rate, result });
    if (result.code !== 0) break;
  }
  return hops;
}
