/**
 * The `state` parameter: random, single use, compared in constant time. Both sides are hashed before
 * timingSafeEqual so neither the content nor the length of the expected value leaks through timing.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/** 32 random bytes, base64url (43 characters). */
export function randomState(): string {
  return randomBytes(32).toString('base64url');
}

export function statesEqual(expected: string, received: string): boolean {
  return timingSafeEqual(digest(expected), digest(received));
}

/** A stable, non-reversible name for a state (replay keys, logs): never the state itself. */
export function stateKey(state: string): string {
  return digest(state).toString('base64url');
}

function digest(value: string): Buffer {
  return createHash('sha256').update(value, 'utf8').digest();
}
