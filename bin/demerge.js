#!/usr/bin/env node
const [major, minor] = process.versions.node.split('.').map(Number);
if (major < 20 || (major === 20 && minor < 11)) {
  console.error(`demerge: Node.js ${process.versions.node} is too old (need 20.11 or newer)`);
  process.exit(1);
}
const { run } = await import('../dist/index.js');
await run(process.argv.slice(2));
