#!/usr/bin/env node
// What the per-package DISTCC_LOG costs each compile: the run's wrapper (a bash script in place
// of the masquerade directory's symlink to distcc, src/run-env/package-logs.ts) against the
// symlink itself, side by side. Real distcc compiling a trivial C file on localhost (no node,
// so the figure is the wrapper's and distcc's own start, not the network's), and the bare
// exec cost of the wrapper with a program that does nothing.
//
//   npm run build && node bench/wrapper.mjs [RUNS]
//
// Needs distcc, gcc and bash; no lab and no root, but it takes the lab's shared lock itself
// (the machine's cores are shared, and a build running beside it would skew the figures).

import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const LOCK = '/tmp/demerge-lab.lock';
const RUNS = Number(process.argv[2] ?? 60);

if (process.env.DEMERGE_BENCH_LOCKED !== '1') {
  const result = spawnSync('flock', [LOCK, process.execPath, ...process.argv.slice(1)], {
    stdio: 'inherit',
    env: { ...process.env, DEMERGE_BENCH_LOCKED: '1' },
  });
  process.exit(result.status ?? 1);
}

const { wrapperScript } = await import(join(ROOT, 'dist/run-env/package-logs.js'));
const which = (name) => execFileSync('sh', ['-c', `command -v ${name}`], { encoding: 'utf8' }).trim();
const distcc = which('distcc');
const bash = which('bash');
const dir = mkdtempSync(join(tmpdir(), 'demerge-bench-wrapper-'));
const logs = join(dir, 'logs');
mkdirSync(logs);
const defaultLog = join(logs, 'run.log');
writeFileSync(join(dir, 'x.c'), 'int x(void) { return 42; }\n');

function masquerade(name, target, wrapped) {
  const masq = join(dir, name);
  mkdirSync(masq);
  if (wrapped) writeFileSync(join(masq, 'gcc'), wrapperScript(bash, target, defaultLog, logs), { mode: 0o755 });
  else symlinkSync(target, join(masq, 'gcc'));
  return masq;
}

function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

function time(masq, args) {
  const env = {
    PATH: `${masq}:/usr/bin:/bin`,
    DISTCC_LOG: defaultLog,
    DISTCC_HOSTS: 'localhost',
    DISTCC_DIR: join(dir, 'dcc'),
    CATEGORY: 'dev-util',
    PF: 'x-1',
  };
  const samples = [];
  for (let i = 0; i < RUNS; i++) {
    const started = process.hrtime.bigint();
    const result = spawnSync('gcc', args, { cwd: dir, env, stdio: 'ignore' });
    samples.push(Number(process.hrtime.bigint() - started) / 1e6);
    if (result.status !== 0) throw new Error(`gcc ${args.join(' ')} failed in ${masq}`);
  }
  return median(samples);
}

mkdirSync(join(dir, 'dcc'));
const compile = ['-c', 'x.c', '-o', 'x.o'];
const rows = [
  ['distcc compile (localhost)', time(masquerade('plain', distcc, false), compile), time(masquerade('wrapped', distcc, true), compile)],
  ['exec only (/bin/true)', time(masquerade('plain-true', '/bin/true', false), compile), time(masquerade('wrapped-true', '/bin/true', true), compile)],
];
console.log(`median of ${RUNS} runs, ms per compile call`);
console.log(`${'what'.padEnd(28)} ${'symlink'.padStart(9)} ${'wrapper'.padStart(9)} ${'added'.padStart(8)} ${'ratio'.padStart(7)}`);
for (const [what, plain, wrapped] of rows) {
  console.log(
    `${what.padEnd(28)} ${plain.toFixed(2).padStart(9)} ${wrapped.toFixed(2).padStart(9)} ${(wrapped - plain).toFixed(2).padStart(8)} ${(wrapped / plain).toFixed(2).padStart(7)}`,
  );
}
