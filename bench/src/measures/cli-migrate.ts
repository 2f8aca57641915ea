/**
 * The CLI's migrate, per hop of the issue's chain (sqlite -> postgres -> mongodb -> mysql -> file ->
 * sqlite), in tokens/s, next to a raw driver bulk copy of the same rows: the same records written by
 * the driver alone in batches of 1,000 (a transaction for SQLite, multi-row INSERTs for PostgreSQL and
 * MySQL, insertMany for MongoDB, one JSON write for the file) into a plain table with the same columns
 * and only a primary key. The difference is what the contract costs: `migrate` saves each record
 * through saveToken (an upsert by the contract's matching rules, indexed uniqueness, conflict retry),
 * which is what makes a rerun after a crash idempotent.
 *
 * Standalone (not part of main.ts): `tsx src/measures/cli-migrate.ts [count]` (default 100000), after
 * `pnpm --filter @tokenstore/cli build`. Prints a markdown table and writes results/cli-migrate.json.
 */
import { closeSync, fsyncSync, mkdtempSync, openSync, rmSync, writeFileSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { MongoClient } from 'mongodb';
import mysql from 'mysql2/promise';
import pg from 'pg';
import { RECORD_COLUMNS, RECORD_FIELDS, type TokenRecord } from '@tokenstore/core/store-kit';
import { fixtureRecord, seedSqlite } from '../../../packages/cli/test/helpers/chain-fixture.js';
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

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'tokenstore-bench-cli-'));
  try {
    const urls = chainUrls(dir);
    seedSqlite(urls[0]!.slice('sqlite:'.length), COUNT);
    const records = Array.from({ length: COUNT }, (_, i) => fixtureRecord(i));
    const hops = await runChain(urls);
    const failed = hops.find((h) => h.result.code !== 0);
    if (failed) throw new Error(`hop ${failed.from} -> ${failed.to} exited ${failed.result.code}: ${failed.result.stderr.slice(-400)}`);
    const raw = [
      await rawPostgres(process.env.TOKENSTORE_PG_URL!, records),
      await rawMongo(process.env.TOKENSTORE_MONGO_URL!, records),
      await rawMysql(process.env.TOKENSTORE_MYSQL_URL!, records),
      rawFile(dir, records),
      rawSqlite(dir, records),
    ];
    const kind = (url: string) => url.split(':')[0]!.replace('postgresql', 'postgres');
    const lines = ['| hop | migrate tokens/s (copy) | migrate wall s (incl. read + verify) | raw driver bulk tokens/s | raw / migrate |', '| --- | ---: | ---: | ---: | ---: |'];
    const data = hops.map((hop, i) => {
      const rawRate = Math.round((COUNT * 1000) / (raw[i] as number));
      lines.push(`| ${kind(hop.from)} -> ${kind(hop.to)} | ${hop.copyRate} | ${(hop.wallMs / 1000).toFixed(1)} | ${rawRate} | ${(rawRate / hop.copyRate).toFixed(0)}x |`);
      return { from: kind(hop.from), to: kind(hop.to), copyRate: hop.copyRate, wallMs: hop.wallMs, rawRate };
    });
    console.log(`${COUNT} tokens, verified byte-exact at every hop by the CLI itself\n${lines.join('\n')}`);
    writeFileSync(new URL('../../results/cli-migrate.json', import.meta.url), `${JSON.stringify({ count: COUNT, at: new Date().toISOString(), hops: data }, null, 2)}\n`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
