#!/usr/bin/env node
/**
 * node templates/create-store.mjs <dir> <package-name> [StoreClass]
 *
 * Copies templates/store into <dir> (which must not exist or be empty) and fills in the package name,
 * the store class (default: from the name, "@acme/tokenstore-redis" -> "RedisStore") and the tokenstore
 * version to depend on. Exits 2 on usage errors.
 */
import { cpSync, existsSync, readdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const templateDir = fileURLToPath(new URL('./store', import.meta.url));

// npm's rules for a package name: lower case, url-safe, optionally scoped.
const PACKAGE_NAME = /^(@[a-z0-9][a-z0-9._~-]*\/)?[a-z0-9][a-z0-9._~-]*$/;
const CLASS_NAME = /^[A-Z][A-Za-z0-9]*$/;

export function storeClassFor(packageName) {
  const base = packageName.replace(/^@[^/]+\//, '').replace(/^(tokenstore|store)[-.]/, '').replace(/[-.](tokenstore|store)$/, '');
  const pascal = base
    .split(/[-._~]+/)
    .filter(Boolean)
    .map((part) => part[0].toUpperCase() + part.slice(1))
    .join('');
  return `${/^[A-Z]/.test(pascal) ? pascal : `X${pascal}`}Store`;
}

/** The version of @tokenstore/core next to the template (this repository), so the skeleton depends on it. */
function tokenstoreVersion() {
  const corePackage = fileURLToPath(new URL('../packages/core/package.json', import.meta.url));
  return existsSync(corePackage) ? JSON.parse(readFileSync(corePackage, 'utf8')).version : '0.1.0';
}

function filesUnder(dir) {
  return readdirSync(dir).flatMap((entry) => {
    const path = join(dir, entry);
    return statSync(path).isDirectory() ? filesUnder(path) : [path];
  });
}

export function createStore(targetDir, packageName, storeClass = storeClassFor(packageName)) {
  if (!PACKAGE_NAME.test(packageName)) throw new UsageError(`not a valid npm package name: ${JSON.stringify(packageName)}`);
  if (!CLASS_NAME.test(storeClass)) throw new UsageError(`not a valid class name: ${JSON.stringify(storeClass)}`);
  const target = resolve(targetDir);
  if (existsSync(target) && readdirSync(target).length > 0) throw new UsageError(`${target} exists and is not empty`);
  cpSync(templateDir, target, { recursive: true });
  const values = { __PACKAGE_NAME__: packageName, __STORE_CLASS__: storeClass, __TOKENSTORE_VERSION__: tokenstoreVersion() };
  for (const file of filesUnder(target)) {
    const text = readFileSync(file, 'utf8');
    const filled = text.replace(/__(PACKAGE_NAME|STORE_CLASS|TOKENSTORE_VERSION)__/g, (placeholder) => values[placeholder]);
    if (filled !== text) writeFileSync(file, filled);
  }
  // npm drops a file named .gitignore from packed folders, so the template ships it as "gitignore".
  if (existsSync(join(target, 'gitignore'))) renameSync(join(target, 'gitignore'), join(target, '.gitignore'));
  return { target, storeClass };
}

class UsageError extends Error {}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const [dir, name, storeClass, ...rest] = process.argv.slice(2);
  if (dir === undefined || name === undefined || rest.length > 0) {
    console.error('Usage: node templates/create-store.mjs <dir> <package-name> [StoreClass]');
    process.exit(2);
  }
  try {
    const { target, storeClass: created } = createStore(dir, name, storeClass);
    console.log(`Created ${name} (${created}) in ${target}.\nNext: cd ${dir} && npm install && npm test && npm run conformance`);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    console.error(`create-store: ${error.message}`);
    process.exit(2);
  }
}
