/**
 * A store printed by the app (console.log, util.inspect, JSON.stringify): its own driver object holds
 * the connection string and the database password in its options, which must not show.
 */
import { inspect } from 'node:util';
import { describe, expect, it } from 'vitest';
import { PostgresStore } from '../src/index.js';

const PASSWORD = 'inspect-db-password-5Kz';

describe('PostgresStore printed', () => {
  it('shows no database password, at any depth, hidden properties included', async () => {
    // Nothing connects before the first operation: no server is needed.
    const store = new PostgresStore({ connectionString: `postgres://app:${PASSWORD}@127.0.0.1:1/app` });
    try {
      for (const text of [inspect(store), inspect(store, { depth: Infinity, showHidden: true }), JSON.stringify(store)]) {
        expect(text).toContain('PostgresStore');
        expect(text).not.toContain(PASSWORD);
      }
    } finally {
      await store.close();
    }
  });
});
