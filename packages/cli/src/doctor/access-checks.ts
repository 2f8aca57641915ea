import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import type { TokenStore } from '@tokenstore/core';
import type { StoreLocation } from '../store-url.js';
import { ok, problem, warning, type Finding } from './finding.js';

/** A short lease: doctor takes it and gives it back at once. */
const DOCTOR_LEASE_TTL_MS = 5000;

/** Reading works: one indexed lookup of an id no record has. */
export async function readCheck(store: TokenStore): Promise<Finding> {
  await store.findTokenById('tokenstore-doctor-probe');
  const count = (await store.getTokens()).length;
  return ok('connect and read', `${count} token${count === 1 ? '' : 's'}`);
}

/** The refresh lease: what keeps processes sharing the store from refreshing one token twice. */
export async function leaseCheck(store: TokenStore): Promise<Finding> {
  const lock = store.lock;
  if (!lock) return warning('refresh lease', 'this store has no lock: processes sharing it may refresh one token at the same time');
  const key = `tokenstore:doctor:${randomUUID()}`;
  const owner = randomUUID();
  if (!(await lock.acquire(key, owner, DOCTOR_LEASE_TTL_MS))) return problem('refresh lease', 'a fresh lease could not be taken: the lease table or lock files are not writable');
  if (await lock.acquire(key, randomUUID(), DOCTOR_LEASE_TTL_MS)) {
    await lock.release(key, owner);
    return problem('refresh lease', 'a second owner took a lease that was held: refreshes are not coordinated between processes');
  }
  await lock.release(key, owner);
  return ok('refresh lease', 'taken and released');
}

/**
 * A SQLite URL naming no file: said before opening, since opening would create (and migrate) it.
 * From the URL alone, not from the store.
 */
export function missingDatabaseFile(location: StoreLocation): Finding | undefined {
  if (location.kind !== 'sqlite') return undefined;
  const path = resolve(location.target);
  return existsSync(path) ? undefined : problem('file permissions', `${path} does not exist`);
}
