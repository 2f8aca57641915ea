// The published packages through their CommonJS entry points (`require`), as a CommonJS app loads them.
'use strict';
const { runChecks } = require('./checks.cjs');

const names = ['core', 'conformance', 'store-file', 'store-sqlite', 'store-postgres', 'store-mysql', 'store-mongo'];
for (const name of names) {
  const entry = require.resolve(`@tokenstore/${name}`);
  if (!entry.endsWith('/dist/index.cjs')) throw new Error(`@tokenstore/${name}: require resolved to ${entry}`);
}
runChecks(
  {
    core: require('@tokenstore/core'),
    conformance: require('@tokenstore/conformance'),
    file: require('@tokenstore/store-file'),
    sqlite: require('@tokenstore/store-sqlite'),
    postgres: require('@tokenstore/store-postgres'),
    mysql: require('@tokenstore/store-mysql'),
    mongo: require('@tokenstore/store-mongo'),
    drivers: { pg: require('pg'), mysql2: require('mysql2/promise'), mongodb: require('mongodb') },
  },
  'cjs',
).catch((error) => {
  console.error(error);
  process.exit(1);
});
