/**
 * The CLI's migrate, per hop of the issue's chain (sqlite -> postgres -> mongodb -> mysql -> file ->
 * sqlite), in tokens/s, next to a raw driver bulk copy of the same rows: the same records written by
 * the driver alone in batches of 1,000 (a transaction for SQLite, multi-row INSERTs for PostgreSQL and
 * MySQL, insertMany for MongoDB, one JSON write for the file) into a plain table with the same columns
 * and only a primary key. `migrate` copies through the store kit's putRecords in batches of 1,000
 * (each store's insertMany: the same kind of statement, plus the store's own indexes and unique
 * constraints, validation of every record, and the exact-by-id fallback a rerun needs); the copy rate
 * it reports includes reading the source, its verification (both sides read back and digested) does not.
 * At the end the last SQLite file is compared, record by record and field by field, with the generator.
 *
 * Standalone (not part of main.ts): `tsx src/measures/cli-migrate.ts [count]` (default 100000), after
 * `pnpm --filter @tokenstore/cli build`. Prints a markdown table and writes results/cli-migrate.json.
 */
import { closeSync, fsyncSync, mkdtempSync, openSync, rmSync, writeFileSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { OAuthToken } from '@tokenstore/core';
import { SQLiteStore } from '@tokenstore/store-sqlite';
import { MongoClient } from 'mongodb';
import mysql from 'mysql2/promise';
import pg from 'pg';
import { RECORD_COLUMNS, RECORD_FIELDS, type TokenRecord } from '@tokenstore/core/store-kit';
import { fixtureRecord, seedSqlite } from '../../../packages/cli/test/helpers/chain-fixture.js';
import { recordDigest } from '../../../packages/cli/src/record-digest.js';
import { openStore } from '../../../packages/cli/src/open-store.js';
import { chainUrls, runChain } from '../../../packages/cli/test/helpers/migrate-chain.js';

const COUNT = Number(process.argv[2] ?? 100_000);
const BATCH = 1000;
const COLUMNS = RECORD_FIELDS.map((f) => RECORD_COLUMNS[f]);

function batches(records: TokenRecord[]): TokenRecord[][] {
  const out: TokenRecord[][] = [];
  for (let i = 0; i < records.length; i += BATCH) out.push(records.slice(i, i + BATCH));
  return out;
}

const SQL_COLUMNS = COLUMNS.map((c) => (c === 'expiry_time' ? `${c} BIGINT` : `${c} TEXT`)).join(', ');

async function rawPostgres(url: string, records: TokenRecord[]): Promise<number> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  const table = `raw_copy_${process.pid}`;
  await client.query(`CREATE TABLE ${table} (${SQL_COLUMNS}, PRIMARY KEY (id))`);
  const started = performance.now();
  for (const batch of batches(records)) {
    const values = batch.flatMap((r) => RECORD_FIELDS.map((f) => r[f]));
    const rows = batch.map((_, i) => `(${RECORD_FIELDS.map((_, j) => `$${i * RECORD_FIELDS.length + j + 1}`).join(', ')})`).join(', ');
    await client.query(`INSERT INTO ${table} (${COLUMNS.join(', ')}) VALUES ${rows}`, values);
  }
  const ms = performance.now() - started;
  await client.query(`DROP TABLE ${table}`);
  await client.end();
  return ms;
}

async function rawMysql(url: string, records: TokenRecord[]): Promise<number> {
  const connection = await mysql.createConnection(url);
  const table = `raw_copy_${process.pid}`;
  await connection.query(`CREATE TABLE ${table} (${SQL_COLUMNS.replace('id TEXT', 'id VARCHAR(255)')}, PRIMARY KEY (id)) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin`);
  const started = performance.now();
  for (const batch of batches(records)) {
    await connection.query(`INSERT INTO ${table} (${COLUMNS.join(', ')}) VALUES ?`, [batch.map((r) => RECORD_FIELDS.map((f) => r[f]))]);
  }
  const ms = performance.now() - started;
  await connection.query(`DROP TABLE ${table}`);
  await connection.end();
  return ms;
}

async function rawMongo(url: string, records: TokenRecord[]): Promise<number> {
  const client = new MongoClient(url);
  await client.connect();
  const collection = client.db().collection(`raw_copy_${process.pid}`);
  const started = performance.now();
  for (const batch of batches(records)) await collection.insertMany(batch.map((r) => ({ _id: r.id as never, ...r })));
  const ms = performance.now() - started;
  await collection.drop();
  await client.close();
  return ms;
}

function rawSqlite(dir: string, records: TokenRecord[]): number {
  const db = new BetterSqlite3(join(dir, 'raw.db'));
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = FULL');
  db.exec(`CREATE TABLE raw (${SQL_COLUMNS.replace('id TEXT', 'id TEXT PRIMARY KEY')})`);
  const insert = db.prepare(`INSERT INTO raw VALUES (${RECORD_FIELDS.map(() => '?').join(', ')})`);
  const started = performance.now();
  for (const batch of batches(records)) db.transaction(() => batch.forEach((r) => insert.run(...RECORD_FIELDS.map((f) => r[f]))))();
  const ms = performance.now() - started;
  db.close();
  return ms;
}

function rawFile(dir: string, records: TokenRecord[]): number {
  const started = performance.now();
  const fd = openSync(join(dir, 'raw.json'), 'w', 0o600);
  writeSync(fd, JSON.stringify({ tokens: records }));
  fsyncSync(fd);
  closeSync(fd);
  return performance.now() - started;
}

/**
 * The chain's server-side tables hold COUNT records each: dropped by the drivers (MongoStore's
 * deleteTokens fails on FerretDB 1.24 above 65,535 documents: its DeleteAll binds one parameter per id).
 */
async function dropChainTables(urls: string[]): Promise<void> {
  const param = (url: string, name: string) => new URL(url).searchParams.get(name) as string;
  const [, pgUrl, mongoUrl, mysqlUrl] = urls as [string, string, string, string];
  const pgClient = new pg.Client({ connectionString: process.env.TOKENSTORE_PG_URL });
  await pgClient.connect();
  const pgTable = param(pgUrl, 'table');
  await pgClient.query(`DROP TABLE IF EXISTS "${pgTable}", "${pgTable}_leases", "${pgTable}_migrations"`);
  await pgClient.end();
  const my = await mysql.createConnection(process.env.TOKENSTORE_MYSQL_URL as string);
  const myTable = param(mysqlUrl, 'table');
  await my.query(`DROP TABLE IF EXISTS \`${myTable}\`, \`${myTable}_leases\`, \`${myTable}_migrations\``);
  await my.end();
  const mongo = new MongoClient(process.env.TOKENSTORE_MONGO_URL as string);
  const collection = param(mongoUrl, 'collection');
  for (const name of [collection, `${collection}_leases`]) await mongo.db().collection(name).drop().catch(() => undefined);
  await mongo.close();
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'tokenstore-bench-cli-'));
  try {
    const urls = chainUrls(dir);
    seedSqlite(urls[0]!.slice('sqlite:'.length), COUNT);
    const records = Array.from({ length: COUNT }, (_, i) => fixtureRecord(i));
    const hops = await runChain(urls);
    const failed = hops.find((h) => h.result.code !== 0);
    if (failed) throw new Error(`hop ${failed.from} -> ${failed.to} exited ${failed.result.code}: ${failed.result.stderr.slice(-400)}`);
    const final = new SQLiteStore({ filename: urls[5]!.slice('sqlite:'.length) });
    const after = await final.getTokens();
    await final.close();
    const expected = new Map(records.map((r) => [r.id as string, recordDigest(OAuthToken.fromRecord(r))]));
    const mismatched = after.filter((token) => expected.get(token.id as string) !== recordDigest(token)).length;
    if (after.length !== COUNT || mismatched > 0) throw new Error(`the end of the chain differs from the generator: ${after.length} records, ${mismatched} differ`);
    // How long each hop's source takes just to be read (migrate's copy rate includes it).
    const readMs: number[] = [];
    for (const url of urls.slice(0, 5)) {
      const opened = await openStore(url);
      const started = performance.now();
      await opened.raw.getTokens();
      readMs.push(performance.now() - started);
      await opened.raw.close?.();
    }
    await dropChainTables(urls);
    const raw = [
      await rawPostgres(process.env.TOKENSTORE_PG_URL!, records),
      await rawMongo(process.env.TOKENSTORE_MONGO_URL!, records),
      await rawMysql(process.env.TOKENSTORE_MYSQL_URL!, records),
      rawFile(dir, records),
      rawSqlite(dir, records),
    ];
    const kind = (url: string) => url.split(':')[0]!.replace('postgresql', 'postgres');
    const lines = ['| hop | migrate tokens/s (read + copy) | of which reading the source, s | migrate wall s (incl. verify) | raw driver bulk tokens/s (write only) | raw / migrate |', '| --- | ---: | ---: | ---: | ---: | ---: |'];
    const data = hops.map((hop, i) => {
      const rawRate = Math.round((COUNT * 1000) / (raw[i] as number));
      lines.push(`| ${kind(hop.from)} -> ${kind(hop.to)} | ${hop.copyRate} | ${((readMs[i] as number) / 1000).toFixed(1)} | ${(hop.wallMs / 1000).toFixed(1)} | ${rawRate} | ${(rawRate / hop.copyRate).toFixed(1)}x |`);
      return { from: kind(hop.from), to: kind(hop.to), copyRate: hop.copyRate, sourceReadMs: Math.round(readMs[i] as number), wallMs: hop.wallMs, rawRate };
    });
    console.log(`${COUNT} tokens, verified byte-exact at every hop by the CLI itself and at the end against the generator\n${lines.join('\n')}`);
    writeFileSync(new URL('../../results/cli-migrate.json', import.meta.url), `${JSON.stringify({ count: COUNT, at: new Date().toISOString(), hops: data }, null, 2)}\n`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
