#!/usr/bin/env node
// npm's prepack hook (`npm pack`, `npm publish`): builds dist/ afresh, so that the tarball
// carries the code bin/demerge.js imports. In a fresh clone the build's own tools
// (TypeScript) are not there yet: they are installed first from package-lock.json, as
// `npm ci` would. dist/ is removed before the build, so no file of a source that is gone
// reaches the tarball.
import { spawnSync } from 'node:child_process';
import { existsSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const npm = process.env.npm_execpath;

// The hook inherits npm's settings of the outer command as npm_config_* variables; those
// would change what the inner commands do (`npm pack --dry-run` would make `npm ci` a dry run).
const env = { ...process.env };
for (const name of Object.keys(env)) {
  if (/^npm_config_(dry_run|omit|include|production|global|prefix|workspaces?)$/i.test(name)) delete env[name];
}

function run(args) {
  // npm_execpath is npm's own CLI script when npm runs the hook; plain `npm` otherwise.
  const [command, argv] = npm !== undefined && npm.endsWith('.js') ? [process.execPath, [npm, ...args]] : ['npm', args];
  const result = spawnSync(command, argv, { cwd: root, env, stdio: 'inherit' });
  if (result.error !== undefined) throw result.error;
  if (result.status !== 0) {
    console.error(`prepack: npm ${args.join(' ')} failed (exit ${result.status ?? result.signal})`);
    process.exit(1);
  }
}

if (!existsSync(join(root, 'node_modules', 'typescript', 'package.json'))) {
  if (!existsSync(join(root, 'package-lock.json'))) {
    console.error('prepack: TypeScript is not installed and there is no package-lock.json: run npm install, then npm pack');
    process.exit(1);
  }
  console.error('prepack: TypeScript is not installed (a fresh clone?): npm ci first, for the build only');
  run(['ci', '--include=dev', '--no-audit', '--no-fund', '--loglevel=error']);
}
rmSync(join(root, 'dist'), { recursive: true, force: true });
run(['run', '--silent', 'build']);
if (!existsSync(join(root, 'dist', 'index.js'))) {
  console.error('prepack: the build wrote no dist/index.js');
  process.exit(1);
}
