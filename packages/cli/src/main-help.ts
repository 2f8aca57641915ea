import { COMMANDS } from './commands/index.js';

export function mainHelp(): string {
  const width = Math.max(...COMMANDS.map((c) => c.name.length));
  return `Usage: tokenstore <command> [options]   (tokenstore <command> --help for each)

Commands:
${COMMANDS.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`).join('\n')}

Store URLs (each needs its store package installed):
  sqlite:<path>[?table=t]                         @tokenstore/store-sqlite
  file:<path>                                     @tokenstore/store-file
  postgres://user:pass@host/db[?table=t&schema=s] @tokenstore/store-postgres
  mysql://user:pass@host/db[?table=t]             @tokenstore/store-mysql
  mongodb://host/db[?collection=c]                @tokenstore/store-mongo

Environment:
  TOKENSTORE_KEYS   key ring of an encrypted store ("k2:<base64>,k1:<base64>")

Exit codes:
  0 ok   1 unexpected failure   2 usage (bad command, option or URL)
  3 store error (STORE_*)   4 check failed (migrate verification, doctor, keys rotate)
  5 token not found   6 store package not installed   7 authorization server or key error

Secrets (tokens, client secrets, keys, database passwords) are never printed.
Errors go to stderr as "tokenstore: <CODE>: <message>".
`;
}
