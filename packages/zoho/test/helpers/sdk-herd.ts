/**
 * Runs N processes of a Zoho SDK app (test/helpers/sdk-herd-child.mjs), each making `calls`
 * concurrent API calls at the same moment on one expired token, and counts the token requests the
 * fake accounts server received. Shared by the herd test and bench/src/measures/zoho.ts.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { startFakeZoho } from './fake-zoho.js';

export type HerdKind = 'sdk-file' | 'sdk-db' | 'bridge-sqlite' | 'bridge-mysql';

export interface HerdOptions {
  kind: HerdKind;
  processes: number;
  calls: number;
  /** sdk-file, bridge-sqlite: the file (fresh). */
  path?: string;
  /** sdk-db, bridge-mysql: the server and a table (sdk-db: created with the SDKs' DDL beforehand). */
  mysqlUrl?: string;
  table?: string;
  /** Delay of each token response at the fake accounts server, ms. */
  tokenDelayMs?: number;
}

export interface HerdResult {
  kind: HerdKind;
  processes: number;
  calls: number;
  tokenRequests: number;
  apiCalls: number;
  authorised: number;
  callsOk: number;
  callsFailed: number;
  errors: string[];
  ms: number;
}

const CHILD = fileURLToPath(new URL('./sdk-herd-child.mjs', import.meta.url));

interface Reply { type: string; [key: string]: unknown }

function spawn(): { proc: ChildProcess; next: (type: string) => Promise<Reply> } {
  const proc = fork(CHILD, [], { execArgv: [], stdio: ['ignore', 'inherit', 'inherit', 'ipc'], serialization: 'json' });
  const inbox: Reply[] = [];
  let wake: (() => void) | undefined;
  proc.on('message', (m: Reply) => { inbox.push(m); wake?.(); });
  proc.on('exit', () => wake?.());
  const next = async (type: string): Promise<Reply> => {
    // Generous: importing the SDK alone takes seconds, and much longer on a loaded machine.
    const deadline = Date.now() + 300_000;
    for (;;) {
      const fatal = inbox.find((m) => m.type === 'fatal');
      if (fatal) throw new Error(`herd process failed: ${String(fatal.message)}`);
      const at = inbox.findIndex((m) => m.type === type);
      if (at >= 0) return inbox.splice(at, 1)[0] as Reply;
      if (proc.exitCode !== null) throw new Error(`herd process exited (${proc.exitCode})`);
      if (Date.now() > deadline) throw new Error(`herd process: no '${type}' within 300 s`);
      await new Promise<void>((resolve) => { wake = resolve; setTimeout(resolve, 500); });
    }
  };
  return { proc, next };
}

export async function runSdkHerd(options: HerdOptions): Promise<HerdResult> {
  const zoho = await startFakeZoho({ tokenDelayMs: options.tokenDelayMs ?? 30 });
  const children = Array.from({ length: options.processes }, spawn);
  try {
    const base = { kind: options.kind, path: options.path, mysqlUrl: options.mysqlUrl, table: options.table, zohoUrl: zoho.url, tokenUrl: zoho.tokenUrl, clientId: zoho.clientId, clientSecret: zoho.clientSecret };
    const first = children[0] as ReturnType<typeof spawn>;
    first.proc.send({ type: 'seed', ...base, refreshToken: zoho.issueRefreshToken() });
    const { id } = await first.next('seeded');
    children.forEach((c) => c.proc.send({ type: 'init', ...base, id }));
    await Promise.all(children.map((c) => c.next('ready')));
    const started = Date.now();
    children.forEach((c) => c.proc.send({ type: 'go', calls: options.calls }));
    const done = await Promise.all(children.map((c) => c.next('done')));
    const ms = Date.now() - started;
    return {
      kind: options.kind,
      processes: options.processes,
      calls: options.calls,
      tokenRequests: zoho.tokenRequests.refresh_token + zoho.tokenRequests.authorization_code + zoho.tokenRequests.other,
      apiCalls: zoho.apiCalls.total,
      authorised: zoho.apiCalls.authorised,
      callsOk: done.reduce((n, d) => n + (d.ok as number), 0),
      callsFailed: done.reduce((n, d) => n + (d.failed as number), 0),
      errors: [...new Set(done.flatMap((d) => d.errors as string[]))],
      ms,
    };
  } finally {
    for (const c of children) if (c.proc.exitCode === null) c.proc.send({ type: 'exit' });
    await Promise.all(children.map((c) => (c.proc.exitCode !== null ? undefined : new Promise((resolve) => c.proc.once('exit', resolve)))));
    await zoho.close();
  }
}

/** The Zoho SDKs' README DDL for their DBStore table. */
export const ZOHO_DBSTORE_DDL = (table: string) =>
  `CREATE TABLE ${table} (id varchar(10) NOT NULL, user_name varchar(255), client_id varchar(255), client_secret varchar(255), refresh_token varchar(255), access_token varchar(255), grant_token varchar(255), expiry_time varchar(20), redirect_url varchar(255), api_domain varchar(255), primary key (id))`;
