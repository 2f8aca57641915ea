// One process of a Zoho SDK app, for the herd test and bench/src/measures/zoho.ts. Plain ESM (no
// loader needed): it runs the real TypeScript SDK 8.0 from npm and the built @tokenstore/zoho (dist).
// Messages (IPC): {type:'seed', ...} -> {type:'seeded', id}; {type:'init', ...} -> {type:'ready'};
// {type:'go', calls} -> {type:'done', ok, failed, errors}; {type:'exit'}.
import * as sdk from '@zohocrm/typescript-sdk-8.0';
// tokenstore is loaded only by the bridge scenarios: the SDK-only baselines run the SDK alone.
const tokenstore = async () => {
  const [{ customEnvironment, OAuthToken }, { SQLiteStore }, { MySQLStore }, { ZohoSdkStore }] = await Promise.all([
    import('@tokenstore/core'), import('@tokenstore/store-sqlite'), import('@tokenstore/store-mysql'), import('../../dist/index.js'),
  ]);
  return { customEnvironment, OAuthToken, SQLiteStore, MySQLStore, ZohoSdkStore };
};

/** @type {{ close?: () => Promise<void> }[]} */
const closers = [];

async function openStore(m) {
  switch (m.kind) {
    case 'sdk-file':
      return new sdk.FileStore(m.path);
    case 'sdk-db': {
      const url = new URL(m.mysqlUrl);
      return new sdk.DBBuilder().host(url.hostname).databaseName(url.pathname.slice(1)).tableName(m.table).userName(decodeURIComponent(url.username)).password(decodeURIComponent(url.password)).portNumber(url.port).build();
    }
    case 'bridge-sqlite':
    case 'bridge-mysql': {
      const { SQLiteStore, MySQLStore, customEnvironment, ZohoSdkStore } = await tokenstore();
      const store = m.kind === 'bridge-sqlite' ? new SQLiteStore({ filename: m.path }) : new MySQLStore({ uri: m.mysqlUrl, table: m.table });
      closers.push(store);
      const environment = customEnvironment({ tokenEndpoint: m.tokenUrl, apiUrl: m.zohoUrl, authorizationScheme: 'Zoho-oauthtoken' });
      const bridge = new ZohoSdkStore({ store, sdk, environment });
      closers.push(bridge);
      return bridge;
    }
    default:
      throw new Error(`unknown kind ${m.kind}`);
  }
}

async function seed(m) {
  // The expired token every process starts from, written through the store the scenario uses.
  if (m.kind.startsWith('sdk-')) {
    const store = await openStore(m);
    const token = new sdk.OAuthToken(m.clientId, m.clientSecret, null, m.refreshToken, null, null, '1000.access.expired', new sdk.UserSignature('herd@example.com'));
    token.setExpiresIn(String(Date.now() - 60_000));
    token.setAPIDomain(m.zohoUrl);
    await store.saveToken(token);
    return token.getId();
  }
  const { SQLiteStore, MySQLStore, OAuthToken } = await tokenstore();
  const store = m.kind === 'bridge-sqlite' ? new SQLiteStore({ filename: m.path }) : new MySQLStore({ uri: m.mysqlUrl, table: m.table });
  const saved = await store.saveToken(new OAuthToken({ userSignature: { name: 'herd@example.com' }, clientId: m.clientId, clientSecret: m.clientSecret, refreshToken: m.refreshToken, accessToken: '1000.access.expired', expiresAt: Date.now() - 60_000, apiDomain: m.zohoUrl }));
  await store.close();
  return saved.id;
}

process.on('message', async (m) => {
  try {
    if (m.type === 'seed') {
      process.send({ type: 'seeded', id: await seed(m) });
    } else if (m.type === 'init') {
      const store = await openStore(m);
      await new sdk.InitializeBuilder().environment(new sdk.Environment(m.zohoUrl, m.tokenUrl, m.zohoUrl)).token(new sdk.OAuthBuilder().id(m.id).build()).store(store).initialize();
      process.send({ type: 'ready' });
    } else if (m.type === 'go') {
      const results = await Promise.allSettled(Array.from({ length: m.calls }, async () => (await new sdk.Org.OrgOperations().getOrganization()).getStatusCode()));
      const ok = results.filter((r) => r.status === 'fulfilled' && r.value === 204).length;
      const errors = [...new Set(results.filter((r) => r.status === 'rejected').map((r) => String(r.reason?.code ?? r.reason?.message ?? r.reason).slice(0, 120)))];
      process.send({ type: 'done', ok, failed: m.calls - ok, errors });
    } else if (m.type === 'exit') {
      for (const c of closers.reverse()) await c.close?.();
      process.exit(0);
    }
  } catch (error) {
    process.send({ type: 'fatal', message: String(error?.stack ?? error).slice(0, 2000) });
  }
});
