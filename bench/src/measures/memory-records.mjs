// The tokens of the memory measure: shared by the child (plain node) and the parent (tsx), so the
// MemoryStore child and the FileStore file hold the same data. Realistic Zoho sizes (70-char tokens).
export function record(i) {
  return {
    id: `id-${i}`,
    userName: `user-${i}@bench.example`,
    clientId: '1000.BENCHCLIENTID00000000000000',
    clientSecret: '0123456789abcdef0123456789abcdef0123456789',
    grantToken: null,
    refreshToken: `1000.${i.toString(16).padStart(32, '0')}.${(i * 7).toString(16).padStart(32, '0')}`,
    accessToken: `1000.${(i * 3).toString(16).padStart(32, '0')}.${(i * 5).toString(16).padStart(32, '0')}`,
    redirectUrl: 'https://app.bench.example/oauth/callback',
    expiresAt: 4_102_444_800_000 + i,
    apiDomain: 'https://www.zohoapis.com',
    tokenType: 'Bearer',
    scope: 'ZohoCRM.modules.ALL ZohoCRM.settings.ALL',
  };
}
