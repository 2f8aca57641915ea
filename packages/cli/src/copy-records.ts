import type { OAuthToken, TokenStore } from '@tokenstore/core';

/**
 * Saves every token into `target` by its id, `concurrency` saves at a time, reporting each one done.
 * Idempotent: a save is an upsert by id (the contract's first identifier), so a rerun after a crash
 * replaces what the first run wrote and adds what it did not; nothing is duplicated.
 */
export async function copyRecords(tokens: readonly OAuthToken[], target: TokenStore, concurrency: number, onSaved: (done: number) => void): Promise<void> {
  let next = 0;
  let done = 0;
  const worker = async () => {
    while (next < tokens.length) {
      const token = tokens[next++] as OAuthToken;
      await target.saveToken(token);
      onSaved(++done);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(concurrency, tokens.length)) }, worker));
}
