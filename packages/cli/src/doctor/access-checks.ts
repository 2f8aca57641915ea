import { randomUUID } from 'node:crypto';
import { statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
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

/** Token files hold refresh tokens and client secrets: only their owner may read them. */
export function permissionCheck(location: StoreLocation): Finding | undefined {
  if (location.kind !== 'sqlite' && location.kind !== 'file') return undefined;
  const path = resolve(location.target);
  let mode: number;
  try {
    mode = statSync(path).mode & 0o777;
  } catch {
    return problem('file permissions', `${path} does not exist`);
  }
  const findings: string[] = [];
  if (mode & 0o077) findings.push(`${path} is readable or writable by others (mode ${mode.toString(8)}): it holds every user's tokens; run chmod 600 ${path}`);
  try {
    const dirMode = statSync(dirname(path)).mode & 0o777;
    if (dirMode & 0o002) findings.push(`its directory is writable by everyone (mode ${dirMode.toString(8)}): anyone can replace the file`);
  } catch {
    // The file exists, so its directory does too; a stat failure here is not worth a finding.
  }
  return findings.length === 0 ? ok('file permissions', `mode ${mode.toString(8)}`) : problem('file permissions', findings.join('; '));
}
