import type { CaseContext } from '../conformance-case.js';

/** A token with every field set to a value unique to this test and this field. */
export function fullInit(t: CaseContext, tag: string) {
  const v = (field: string) => `${field}-${tag}-${t.uid}`;
  return {
    userSignature: { name: v('user') },
    clientId: v('client'),
    clientSecret: v('secret'),
    grantToken: v('grant'),
    refreshToken: v('refresh'),
    accessToken: v('access'),
    redirectUrl: `https://app.example/cb/${tag}-${t.uid}`,
    expiresAt: 1767225600123,
    apiDomain: `https://${tag}.api.example`,
    tokenType: 'Bearer',
    scope: `scope.${tag}.READ scope.${tag}.WRITE`,
  };
}
