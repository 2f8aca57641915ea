import { closeSync, fsyncSync, openSync, renameSync, unlinkSync, writeSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import type { OAuthToken } from '@tokenstore/core';
import { RECORD_FIELDS } from '@tokenstore/core/store-kit';

/**
 * Writes a whole token file at once, in @tokenstore/store-file's documented format
 * (`{ "format": "tokenstore-file", "version": 1, "tokens": [...] }`, TokenRecord field names, absent
 * fields omitted), durably and atomically (temp file, fsync, rename, fsync of the directory).
 *
 * Why: FileStore rewrites its whole file on every save, so migrating n tokens one save at a time costs
 * O(n²) bytes written (100,000 tokens: hours). `migrate` uses this only for a target file that is
 * absent or empty, and then reads the result back through FileStore, which validates every record
 * (a wrong byte fails the verification). A crash before the rename leaves the target as it was.
 */
export function writeTokenFile(path: string, format: { FORMAT: string; FORMAT_VERSION: number }, tokens: readonly OAuthToken[]): void {
  const target = resolve(path);
  const temp = `${target}.migrate-${process.pid}.tmp`;
  const fd = openSync(temp, 'w', 0o600);
  try {
    const write = (text: string) => writeSync(fd, text);
    write(`{\n  "format": ${JSON.stringify(format.FORMAT)},\n  "version": ${format.FORMAT_VERSION},\n  "tokens": [`);
    tokens.forEach((token, i) => {
      const record = token.toRecord();
      const out: Record<string, string | number> = {};
      for (const field of RECORD_FIELDS) if (record[field] !== null) out[field] = record[field] as string | number;
      write(`${i === 0 ? '' : ','}\n    ${JSON.stringify(out)}`);
    });
    write(`${tokens.length === 0 ? '' : '\n  '}]\n}\n`);
    fsyncSync(fd);
  } catch (error) {
    closeSync(fd);
    unlinkSync(temp);
    throw error;
  }
  closeSync(fd);
  renameSync(temp, target);
  const dir = openSync(dirname(target), 'r');
  try {
    fsyncSync(dir);
  } finally {
    closeSync(dir);
  }
}
