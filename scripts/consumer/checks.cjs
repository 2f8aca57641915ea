// What the packaging check asks of every published package, once loaded through ESM (smoke.mjs) and
// once through CommonJS (smoke.cjs): each store saves, finds and deletes a token; secrets stay redacted;
// errors are TokenStoreErrors of the core the store was loaded with (one copy of core per format).
'use strict';
const assert = require('node:assert/strict');
const { mkdtempSync, rmSync } = require('node:fs');
const { tmpdir } = require('node:os');
const { join } = require('node:path');
const { inspect } = require('node:util');

const SECRET = 'smoke-secret-refresh-token';

async function roundTrip(m, name, store) {
  const token = new m.core.OAuthToken({ userSignature: { name: `${name}@smoke` }, clientId: 'client', refreshToken: SECRET, expiresAt: 1_700_000_000_123 });
  const saved = await store.saveToken(token);
  assert.equal(typeof saved.id, 'string', `${name}: saved token has an id`);
  const found = await store.findToken(new m.core.OAuthToken({ userSignature: { name: `${name}@smoke` } }));
  assert.equal(found?.refreshToken, SECRET, `${name}: round trip`);
  assert.equal(found.expiresAt, 1_700_000_000_123, `${name}: expiresAt round trip`);
  assert.ok(!inspect(found).includes(SECRET) && !JSON.stringify(found).includes(SECRET), `${name}: secrets redacted`);
  const rejected = await store.findTokenById(42).then(() => null, (error) => error);
  assert.ok(m.core.isTokenStoreError(rejected) && rejected.code === 'INVALID_ARGUMENT', `${name}: bad input is a TokenStoreError`);
  await store.deleteToken(saved.id);
  assert.equal(await store.findTokenById(saved.id), null, `${name}: deleted`);
  await store.close?.();
  console.log(`  ${name}: ok`);
}

/** m: { core, conformance, file, sqlite, postgres, mysql, mongo, drivers: { pg, mysql2, mongodb } } */
async function runChecks(m, format) {
  console.log(`smoke (${format}) on Node ${process.version}`);
  assert.equal(typeof m.conformance.runTokenStoreConformance, 'function');
  assert.ok(m.conformance.conformanceTestIds.length > 0);
  await roundTrip(m, 'MemoryStore', new m.core.MemoryStore());

  const dir = mkdtempSync(join(tmpdir(), `tokenstore-smoke-${format}-`));
  try {
    await roundTrip(m, 'FileStore', new m.file.FileStore({ path: join(dir, 'tokens.json') }));
    await roundTrip(m, 'SQLiteStore', new m.sqlite.SQLiteStore({ filename: join(dir, 'tokens.db') }));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }

  // Server stores on the app's own pool/client (the store never ends it), so cleanup uses the same one.
  const table = `smoke_${format}_${process.pid}`;
  const { pg, mysql2, mongodb } = m.drivers;
  const pgPool = new pg.Pool({ connectionString: requiredEnv('TOKENSTORE_PG_URL'), max: 2 });
  try {
    await roundTrip(m, 'PostgresStore', new m.postgres.PostgresStore({ pool: pgPool, table }));
  } finally {
    await pgPool.query(`DROP TABLE IF EXISTS "${table}", "${table}_leases", "${table}_migrations"`);
    await pgPool.end();
  }
  const mysqlPool = mysql2.createPool({ uri: requiredEnv('TOKENSTORE_MYSQL_URL'), connectionLimit: 2 });
  try {
    await roundTrip(m, 'MySQLStore', new m.mysql.MySQLStore({ pool: mysqlPool, table }));
  } finally {
    await mysqlPool.query(`DROP TABLE IF EXISTS \`${table}\`, \`${table}_leases\`, \`${table}_migrations\``);
    await mysqlPool.end();
  }
  const mongoClient = new mongodb.MongoClient(requiredEnv('TOKENSTORE_MONGO_URL'), { serverSelectionTimeoutMS: 10_000 });
  try {
    await roundTrip(m, 'MongoStore', new m.mongo.MongoStore({ client: mongoClient, collection: table }));
  } finally {
    for (const name of [table, `${table}_leases`]) await mongoClient.db().collection(name).drop().catch(() => {});
    await mongoClient.close();
  }
}

function requiredEnv(name) {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set (eval "$(bash scripts/services env)")`);
  return value;
}

module.exports = { runChecks };
