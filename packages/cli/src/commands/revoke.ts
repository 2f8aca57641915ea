import { Initializer, TokenStoreError, customEnvironment, zohoEnvironment, type Environment, type ZohoDataCenterCode, type ZohoEnvironmentKind } from '@tokenstore/core';
import type { Command } from '../command.js';
import { usageError } from '../cli-error.js';
import { ExitCode } from '../exit-codes.js';
import { findRecord } from '../find-record.js';
import { applicationView, closeQuietly, openStore } from '../open-store.js';
import { parseCommandArgs } from '../parse-args.js';
import { terminalText } from '../terminal-text.js';

export const revokeCommand: Command = {
  name: 'revoke',
  summary: 'revoke one token at the authorization server, then delete it',
  help: `Usage: tokenstore revoke <store-url> <user|id> (--zoho <DC> [--zoho-env <kind>] | --revocation-endpoint <url> --token-endpoint <url>)

Revokes the token's refresh token (or, without one, its access token) at the
authorization server, then deletes the record. Nothing is deleted when the
server refuses. With TOKENSTORE_KEYS set, an encrypted store is read through that ring.

Options:
  --zoho <DC>                  a Zoho data center: US EU IN CN JP AU CA SA
  --zoho-env <kind>            production (default), sandbox or developer
  --revocation-endpoint <url>  any RFC 7009 server (with --token-endpoint)
  --token-endpoint <url>       its token endpoint
  -h, --help                   this help
Exit code 5 when there is no such token, 7 when the server refuses or fails.
`,
  async run(args, { io, importer, fetch }) {
    const { values, positionals } = parseCommandArgs(
      'revoke',
      args,
      { zoho: { type: 'string' }, 'zoho-env': { type: 'string' }, 'revocation-endpoint': { type: 'string' }, 'token-endpoint': { type: 'string' } },
      2,
    );
    if (values.help) return io.out(this.help), ExitCode.OK;
    const environment = environmentOf(values);
    const opened = await openStore(positionals[0] as string, { importer });
    const store = applicationView(opened.raw);
    try {
      const token = await findRecord(store, positionals[1] as string);
      const sdk = await Initializer.initialize({ environment, store, token: { id: token.id as string }, ...(fetch ? { fetch } : {}) });
      try {
        await sdk.revoke();
      } finally {
        await sdk.close();
      }
      io.out(terminalText(`revoked and deleted ${token.id}${token.userSignature ? ` (user ${token.userSignature.name})` : ''}`) + '\n');
      return ExitCode.OK;
    } finally {
      await closeQuietly(store);
    }
  },
};

function environmentOf(values: Record<string, string | boolean | undefined>): Environment {
  const zoho = values.zoho as string | undefined;
  const revocationEndpoint = values['revocation-endpoint'] as string | undefined;
  const tokenEndpoint = values['token-endpoint'] as string | undefined;
  if (zoho !== undefined) {
    if (revocationEndpoint !== undefined || tokenEndpoint !== undefined) throw usageError('revoke: give either --zoho or --revocation-endpoint/--token-endpoint, not both');
    return zohoEnvironment(zoho.toUpperCase() as ZohoDataCenterCode, ((values['zoho-env'] as string | undefined) ?? 'production') as ZohoEnvironmentKind);
  }
  if (revocationEndpoint === undefined || tokenEndpoint === undefined) {
    throw usageError('revoke: name the authorization server: --zoho <DC>, or --revocation-endpoint <url> and --token-endpoint <url>');
  }
  const environment = customEnvironment({ tokenEndpoint, revocationEndpoint });
  if (!environment.revocationEndpoint) throw new TokenStoreError('INVALID_ARGUMENT', 'revoke: the environment has no revocation endpoint');
  return environment;
}
