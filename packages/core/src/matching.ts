/**
 * The matching rules of the store contract, implemented once. Stores call `findMatch` with their own
 * indexed lookup (`findBy`) instead of re-implementing precedence and user binding.
 *
 * Identifiers of a probe, in order: id; userSignature.name; grantToken (only with clientId);
 * refreshToken (only with clientId); accessToken. Empty strings count as absent.
 * The match is the first identifier that selects a record. A grant or refresh token selects a record
 * only if the record's clientId equals the probe's. A probe naming a user never selects a record bound
 * to a different user; it may select (and on save, adopt) a record with no user.
 */
import type { LookupField, TokenRecord } from './token-record.js';

export interface ProbeIdentifier {
  readonly field: LookupField;
  readonly value: string;
  /** For grant and refresh tokens: the record must have this clientId. */
  readonly clientId?: string;
}

/** Absent, for the matching rules: null, undefined or the empty string. */
export function isBlank(value: string | null | undefined): value is null | undefined | '' {
  return value === null || value === undefined || value === '';
}

/** The identifiers of a probe, in precedence order. Empty when the probe identifies nothing. */
export function probeIdentifiers(probe: TokenRecord): ProbeIdentifier[] {
  const identifiers: ProbeIdentifier[] = [];
  if (!isBlank(probe.id)) identifiers.push({ field: 'id', value: probe.id });
  if (!isBlank(probe.userName)) identifiers.push({ field: 'userName', value: probe.userName });
  if (!isBlank(probe.clientId)) {
    if (!isBlank(probe.grantToken)) identifiers.push({ field: 'grantToken', value: probe.grantToken, clientId: probe.clientId });
    if (!isBlank(probe.refreshToken)) identifiers.push({ field: 'refreshToken', value: probe.refreshToken, clientId: probe.clientId });
  }
  if (!isBlank(probe.accessToken)) identifiers.push({ field: 'accessToken', value: probe.accessToken });
  return identifiers;
}

/** The user-binding rule: may a probe for `probeUser` see a record bound to `recordUser`? */
export function userMayMatch(probeUser: string | null, recordUser: string | null): boolean {
  return isBlank(probeUser) || isBlank(recordUser) || probeUser === recordUser;
}

/** Whether `record` is selected by `identifier` for this probe (value, clientId and user binding). */
export function identifierSelects(probe: TokenRecord, identifier: ProbeIdentifier, record: TokenRecord): boolean {
  if (record[identifier.field] !== identifier.value) return false;
  if (identifier.clientId !== undefined && record.clientId !== identifier.clientId) return false;
  return userMayMatch(probe.userName, record.userName);
}

/**
 * Among the records an identifier selects, the one to use: a record bound to the probe's own user
 * beats an unbound one; ties go to the smallest id, so every store answers alike.
 */
export function pickCandidate(probe: TokenRecord, identifier: ProbeIdentifier, candidates: readonly TokenRecord[]): TokenRecord | null {
  let best: TokenRecord | null = null;
  for (const record of candidates) {
    if (!identifierSelects(probe, identifier, record)) continue;
    if (best === null || ranksBefore(probe, record, best)) best = record;
  }
  return best;
}

function ranksBefore(probe: TokenRecord, a: TokenRecord, b: TokenRecord): boolean {
  const aOwn = !isBlank(probe.userName) && a.userName === probe.userName;
  const bOwn = !isBlank(probe.userName) && b.userName === probe.userName;
  if (aOwn !== bOwn) return aOwn;
  return (a.id ?? '') < (b.id ?? '');
}

/** An indexed equality lookup: every record whose `field` equals `value` exactly (byte for byte). */
export type FindBy = (field: LookupField, value: string) => Promise<readonly TokenRecord[]> | readonly TokenRecord[];

/** The record a probe matches, or null. Calls `findBy` once per identifier until one selects a record. */
export async function findMatch(probe: TokenRecord, findBy: FindBy): Promise<TokenRecord | null> {
  for (const identifier of probeIdentifiers(probe)) {
    const match = pickCandidate(probe, identifier, await findBy(identifier.field, identifier.value));
    if (match !== null) return match;
  }
  return null;
}

/** `findMatch` over records already in memory (for in-memory stores and for tests). */
export function findMatchIn(probe: TokenRecord, records: Iterable<TokenRecord>): TokenRecord | null {
  const all = [...records];
  for (const identifier of probeIdentifiers(probe)) {
    const match = pickCandidate(probe, identifier, all);
    if (match !== null) return match;
  }
  return null;
}
