// Runs after tsup (see "build"): vitest is ESM-only, so in the CommonJS declarations (dist/*.d.cts) a
// plain `import ... from 'vitest'` resolves through vitest's `require` types and fails for CommonJS
// consumers (TS1479 under node16/nodenext). tsup's declaration bundler drops import attributes, so the
// vitest imports get `resolution-mode: import` here: a type-only import, nothing changes at run time.
import { readFileSync, readdirSync, writeFileSync } from 'node:fs';

const vitestImport = /^import (\* as \w+|\{[^}]*\}) from '(vitest(?:\/[\w/-]+)?)';$/gm;

for (const file of readdirSync('dist').filter((name) => name.endsWith('.d.cts'))) {
  const path = `dist/${file}`;
  const before = readFileSync(path, 'utf8');
  const after = before.replace(vitestImport, "import type $1 from '$2' with { 'resolution-mode': 'import' };");
  if (/^import (?!type ).* from 'vitest[/']/m.test(after)) throw new Error(`${path}: a vitest import this script does not rewrite`);
  if (after !== before) writeFileSync(path, after);
}
