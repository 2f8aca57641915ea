import { join } from 'node:path';
import type { TokenStore } from '@tokenstore/core';
import { SQLiteStore } from '@tokenstore/store-sqlite';
import { tempDir } from '@tokenstore/store-testkit';
import { afterAll, describe, expect, it } from 'vitest';
import { ExitCode } from '../src/exit-codes.js';
import { compareRecords } from '../src/verify-copy.js';
import { seedSqlite } from './helpers/chain-fixture.js';
import { cli } from './helpers/in-process.js';

/**
 * `sqlite:` URLs open a real SQLiteStore seen only through the surface a third-party store would have:
 * the six methods, lock and close, plus the store kit's diagnose / putRecords when asked for. No
 * `database`, `table` or any other internal: what doctor and migrate may rely on.
 */
function publicSurface(extras: { diagnose: boolean; putRecords: boolean }) {
  const SQLiteView = function SQLiteView(options: { filename: string }) {
    const store = new SQLiteStore({ filename: options.filename });
    const view: Record<string, unknown> = {
      findToken: store.findToken.bind(store),
      findTokenById: store.findTokenById.bind(store),
      saveToken: store.saveToken.bind(store),
      deleteToken: store.deleteToken.bind(store),
      getTokens: store.getTokens.bind(store),
      deleteTokens: store.deleteTokens.bind(store),
      close: store.close.bind(store),
      lock: store.lock,
    };
    if (extras.diagnose) view.diagnose = store.diagnose.bind(store);
    if (extras.putRecords) view.putRecords = store.putRecords.bind(store);
    return view as unknown as TokenStore;
  };
  return async () => ({ SQLiteStore: SQLiteView as unknown as Record<string, unknown> });
}

describe('doctor and migrate use only a store\'s public surface', () => {
  const { dir, cleanup } = tempDir('tokenstore-cli-surface-');
  afterAll(cleanup);

  it('doctor: schema, indexes and file permissions from diagnose(), then a read and a lease through the contract', async () => {
    const filename = join(dir, 'doctor.db');
    await new SQLiteStore({ filename }).close();
    const { code, out } = await cli(['doctor', `sqlite:${filename}`], { importer: publicSurface({ diagnose: true, putRecords: true }) });
    expect({ code, out }).toMatchObject({ code: ExitCode.OK });
    expect(out).toContain('ok    file permissions: mode 600');
    expect(out).toContain('ok    schema version: 1');
    expect(out).toContain('ok    indexes: every lookup is indexed (5)');
    expect(out).toContain('ok    connect and read: 0 tokens');
    expect(out).toContain('ok    refresh lease: taken and released');
  });

  it('doctor on a store without diagnose(): a warning, the read and the lease still checked, exit 0', async () => {
    const filename = join(dir, 'plain.db');
    await new SQLiteStore({ filename }).close();
    const { code, out } = await cli(['doctor', `sqlite:${filename}`], { importer: publicSurface({ diagnose: false, putRecords: false }) });
    expect(code).toBe(ExitCode.OK);
    expect(out).toContain('warn  diagnose: this store cannot diagnose itself');
    expect(out).toContain('ok    refresh lease: taken and released');
  });

  it('migrate into a store without putRecords: one saveToken per record, verified exact', async () => {
    const from = join(dir, 'from.db');
    const to = join(dir, 'to.db');
    seedSqlite(from, 60);
    const { code, err } = await cli(['migrate', '--from', `sqlite:${from}`, '--to', `sqlite:${to}`], { importer: publicSurface({ diagnose: false, putRecords: false }) });
    expect({ code, err }).toMatchObject({ code: ExitCode.OK });
    const [source, target] = [new SQLiteStore({ filename: from }), new SQLiteStore({ filename: to })];
    try {
      expect(compareRecords(await source.getTokens(), await target.getTokens())).toEqual({ sourceCount: 60, targetCount: 60, missing: [], extra: [], changed: [] });
    } finally {
      await source.close();
      await target.close();
    }
  });
});
