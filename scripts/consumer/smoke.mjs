// The published packages through their ESM entry points (`import`), as an ESM app loads them.
import * as core from '@tokenstore/core';
import * as conformance from '@tokenstore/conformance';
import * as file from '@tokenstore/store-file';
import * as sqlite from '@tokenstore/store-sqlite';
import * as postgres from '@tokenstore/store-postgres';
import * as mysql from '@tokenstore/store-mysql';
import * as mongo from '@tokenstore/store-mongo';
import pg from 'pg';
import mysql2 from 'mysql2/promise';
import * as mongodb from 'mongodb';
import { runChecks } from './checks.cjs';

for (const name of ['core', 'conformance', 'store-file', 'store-sqlite', 'store-postgres', 'store-mysql', 'store-mongo']) {
  const entry = import.meta.resolve(`@tokenstore/${name}`);
  if (!entry.endsWith('/dist/index.js')) throw new Error(`@tokenstore/${name}: import resolved to ${entry}`);
}
await runChecks({ core, conformance, file, sqlite, postgres, mysql, mongo, drivers: { pg, mysql2, mongodb } }, 'esm');
