// The README's "Supported runtimes" tables, written from what CI actually runs: the Node majors and
// per-major peers of scripts/majors.env, the published packages' peer ranges, and the driver versions
// installed in the workspace (which every test run uses).
//
//   node scripts/runtime-table.mjs           print the tables
//   node scripts/runtime-table.mjs --write   replace them in README.md (between the runtime-table markers)
//   node scripts/runtime-table.mjs --check   exit 1 when README.md's tables differ (CI runs this)
import { readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';

const root = new URL('..', import.meta.url).pathname;
const env = readFileSync(`${root}scripts/majors.env`, 'utf8');
const array = (name) => {
  const match = env.match(new RegExp(`^${name}=\\(([^)]*)\\)`, 'm'));
  if (!match) throw new Error(`scripts/majors.env: no ${name}=(...)`);
  return match[1].trim().split(/\s+/);
};
const scalar = (name) => env.match(new RegExp(`^${name}=(\\S+)`, 'm'))?.[1];

const majors = array('NODE_MAJORS');
const testMajors = array('TEST_MAJORS');
const wholeSuite = scalar('WHOLE_SUITE_NODE');
const peersOf = Object.fromEntries(majors.map((major) => [major, new Map(array(`PEERS_${major}`).map(splitSpec))]));
const majorsPackages = array('MAJORS_PACKAGES');
const conformanceOf = Object.fromEntries(majors.map((major) => [major, array(`CONFORMANCE_${major}`)]));

function splitSpec(spec) {
  const at = spec.lastIndexOf('@');
  return [spec.slice(0, at), spec.slice(at + 1)];
}

const packages = readdirSync(`${root}packages`)
  .map((dir) => ({ dir, json: JSON.parse(readFileSync(`${root}packages/${dir}/package.json`, 'utf8')) }))
  .filter(({ json }) => !json.private);

// The peers a user chooses a version of (drivers, vitest); @tokenstore/core and @types/* are left out.
const rows = [];
for (const { dir, json } of packages) {
  for (const [peer, range] of Object.entries(json.peerDependencies ?? {})) {
    if (peer.startsWith('@tokenstore/') || peer.startsWith('@types/')) continue;
    const workspace = createRequire(`${root}packages/${dir}/package.json`)(`${peer}/package.json`).version;
    rows.push({ peer, range, pkg: json.name, workspace });
  }
}

const runsOn = (major) =>
  major === wholeSuite
    ? 'the whole test command (every suite, every store, lint, benchmarks); packaging check'
    : testMajors.includes(major)
      ? 'unit, conformance and embedded-store (SQLite, file) tests; packaging check'
      : 'packaging check only (install, ESM and CommonJS smoke of every store, tsc, conformance through the packed CLI)';
const endOfLife = { 20: ' (end of life since April 2026)' };

const lines = [
  '| Node.js | CI runs on it |',
  '| --- | --- |',
  ...majors.map((major) => `| ${major}${endOfLife[major] ?? ''} | ${runsOn(major)} |`),
  '',
  '| peer | range | tested with |',
  '| --- | --- | --- |',
  ...rows.map(({ peer, range, pkg, workspace }) => {
    const packaged = new Map();
    for (const major of majors) {
      const spec = peersOf[major].get(peer);
      // A bare major ("13") installs that major's latest release.
      const shown = spec && /^\d+$/.test(spec) ? `${spec}.x` : spec;
      if (shown) packaged.set(shown, [...(packaged.get(shown) ?? []), major]);
    }
    const checks = [...packaged].map(([spec, on]) => `${spec} on Node ${on.join(', ')}`).join('; ');
    const where = majorsPackages.includes(pkg) ? `Node ${testMajors.join(', ')}` : `Node ${wholeSuite}`;
    return `| \`${peer}\` (${pkg}) | \`${range.replaceAll('|', '\\|')}\` | ${workspace}: the package's own tests on ${where}; packaging check: ${checks} |`;
  }),
  '',
  `The packaging check installs the packed packages with those peers from npm and runs an ESM and a CommonJS smoke test of every store, \`tsc\` in \`nodenext\`, \`node16\` (CommonJS) and \`bundler\` modes, and the conformance suite through the packed CLI (${majors
    .map((major) => `Node ${major}: ${conformanceOf[major].join(', ')}`)
    .join('; ')}).`,
];
const table = lines.join('\n');

const readmePath = `${root}README.md`;
const readme = readFileSync(readmePath, 'utf8');
const block = /(<!-- runtime-table -->)[\s\S]*?(<!-- \/runtime-table -->)/;
const mode = process.argv[2];
if (mode === undefined) {
  console.log(table);
} else if (!block.test(readme)) {
  console.error('runtime-table: README.md has no <!-- runtime-table --> ... <!-- /runtime-table --> block');
  process.exit(1);
} else if (mode === '--write') {
  writeFileSync(readmePath, readme.replace(block, (_, open, close) => `${open}\n${table}\n${close}`));
} else if (mode === '--check') {
  const current = readme.match(block)[0];
  const expected = `<!-- runtime-table -->\n${table}\n<!-- /runtime-table -->`;
  if (current !== expected) {
    console.error('runtime-table: README.md is out of date with scripts/majors.env and the peer ranges; run node scripts/runtime-table.mjs --write');
    process.exit(1);
  }
} else {
  console.error(`runtime-table: unknown option ${mode}`);
  process.exit(2);
}
