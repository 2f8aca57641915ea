// Token values the child processes save and the suite checks. They mix characters that break naive
// serialisation: quotes, backslashes, %, _, commas, SQL/JSON fragments, non-ASCII and astral Unicode.

/** The i-th token a crash-test child saves in `run`. */
export function crashToken(run: number, i: number) {
  return {
    id: `crash-${run}-${i}`,
    userSignature: { name: `user-${run}-${i}@example.com` },
    clientId: `client-${run}`,
    clientSecret: `secret-"${run}"`,
    refreshToken: `1000.refresh'${run}.${i}\\%_`,
    accessToken: `1000.access,${run}.${i};--{"a":1}\u00e9\u{1F511}`,
    expiresAt: 1_700_000_000_000 + run * 100_000 + i,
    apiDomain: 'https://www.zohoapis.com',
    tokenType: 'Bearer',
    scope: 'ZohoCRM.modules.ALL',
  };
}

/** The "hot" record every crash-test child updates after each new token: its expiresAt only grows. */
export const HOT_USER = 'hot@example.com';
export function hotToken(run: number, i: number) {
  return { userSignature: { name: HOT_USER }, clientId: 'hot-client', accessToken: `hot-${run}-${i}`, expiresAt: run * 1_000_000 + i };
}
