/**
 * Synthetic, deterministic token records: record i is the same whether it was built here (SQLite,
 * Mongo, file) or generated server-side by SQL (PostgreSQL, MariaDB) from the same formula, so a
 * lookup of user i finds the same row in every store. Values have realistic Zoho sizes
 * (`1000.<32 hex>.<32 hex>` tokens).
 */
import { createHash } from 'node:crypto';
import { RECORD_FIELDS, type RecordField, type TokenRecord } from '@tokenstore/core/store-kit';

export const BENCH_CLIENT_ID = '1000.BENCHCLIENTID00000000000000';
export const BENCH_CLIENT_SECRET = '0123456789abcdef0123456789abcdef0123456789';
export const BENCH_REDIRECT = 'https://app.bench.example/oauth/callback';
export const BENCH_API_DOMAIN = 'https://www.zohoapis.com';
export const BENCH_SCOPE = 'ZohoCRM.modules.ALL ZohoCRM.settings.ALL';
/** 2100-01-01: never expires during a run. */
export const BENCH_EXPIRY_BASE = 4_102_444_800_000;

const md5 = (s: string) => createHash('md5').update(s).digest('hex');

export const benchId = (i: number) => `id-${i}`;
export const benchUser = (i: number) => `user-${i}@bench.example`;

export function benchRecord(i: number): TokenRecord {
  return {
    id: benchId(i),
    userName: benchUser(i),
    clientId: BENCH_CLIENT_ID,
    clientSecret: BENCH_CLIENT_SECRET,
    grantToken: null,
    refreshToken: `1000.${md5(`r${i}`)}.${md5(`R${i}`)}`,
    accessToken: `1000.${md5(`a${i}`)}.${md5(`A${i}`)}`,
    redirectUrl: BENCH_REDIRECT,
    expiresAt: BENCH_EXPIRY_BASE + i,
    apiDomain: BENCH_API_DOMAIN,
    tokenType: 'Bearer',
    scope: BENCH_SCOPE,
  };
}

/**
 * The same formula as SQL select-list expressions over an integer `i`, in RECORD_FIELDS order
 * (PostgreSQL and MariaDB both have md5(); pass the dialect's concatenation).
 */
export function benchRowSql(i: string, concat: (...parts: string[]) => string): string[] {
  const lit = (s: string) => `'${s}'`; // constants only: no user value is ever spliced
  const byField: Record<RecordField, string> = {
    id: concat(lit('id-'), i),
    userName: concat(lit('user-'), i, lit('@bench.example')),
    clientId: lit(BENCH_CLIENT_ID),
    clientSecret: lit(BENCH_CLIENT_SECRET),
    grantToken: 'NULL',
    refreshToken: concat(lit('1000.'), `md5(${concat(lit('r'), i)})`, lit('.'), `md5(${concat(lit('R'), i)})`),
    accessToken: concat(lit('1000.'), `md5(${concat(lit('a'), i)})`, lit('.'), `md5(${concat(lit('A'), i)})`),
    redirectUrl: lit(BENCH_REDIRECT),
    expiresAt: `${BENCH_EXPIRY_BASE} + ${i}`,
    apiDomain: lit(BENCH_API_DOMAIN),
    tokenType: lit('Bearer'),
    scope: lit(BENCH_SCOPE),
  };
  // In RECORD_FIELDS order, the order of every column list the bench writes.
  return RECORD_FIELDS.map((f) => byField[f]);
}

/** Deterministic pseudo-random integers in [0, n) (xorshift), so every store gets the same probes. */
export function probeSequence(n: number, count: number, seed = 0x9e3779b9): number[] {
  let x = seed >>> 0 || 1;
  const out: number[] = [];
  for (let k = 0; k < count; k++) {
    x ^= x << 13;
    x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    out.push(x % n);
  }
  return out;
}
