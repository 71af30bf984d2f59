#!/usr/bin/env node
// Does asking Portage cost a build wall time? portageq takes ~0.45 s on a Gentoo machine (Python
// start-up and the config load); demerge starts it before the node probes, so it should add
// nothing while the probes take longer. This measures `demerge <args>` up to emerge's start and
// end, with an emerge that exits at once, three ways side by side, interleaved:
//   instant   a portageq that answers at once (the floor);
//   portageq  the same answer after 0.45 s, as a real portageq;
//   serial    the same 0.45 s portageq, then the run (what asking before probing would cost).
//
//   npm run build && node bench/portageq.mjs [--runs=N]
//
// Needs root and the lab (3 nodes); takes the lab's shared lock itself.

import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { PORTAGE_VARIABLES } from '../dist/portage/index.js';

const ROOT = resolve(import.meta.dirname, '..');
const LAB = process.env.DEMERGE_LAB_DIR ?? '/var/lib/demerge-lab';
const LOCK = '/tmp/demerge-lab.lock';
const runs = Number(process.argv.find((arg) => arg.startsWith('--runs='))?.slice(7) ?? 10);
const PORTAGEQ_SECONDS = 0.45;

if (process.env.DEMERGE_BENCH_LOCKED !== '1') {
  const result = spawnSync('flock', [LOCK, process.execPath, ...process.argv.slice(1)], {
    stdio: 'inherit',
    env: { ...process.env, DEMERGE_BENCH_LOCKED: '1' },
  });
  process.exit(result.status ?? 1);
}

const dir = mkdtempSync(join(tmpdir(), 'demerge-bench-portageq-'));
chmodSync(dir, 0o755);
// The same question demerge asks (the build's list, so the two cannot drift apart).
const VARIABLES = PORTAGE_VARIABLES;
const answer = VARIABLES.map((name) => {
  const value = { CFLAGS: "'-O2 -pipe'", CHOST: 'x86_64-linux-gnu', PORTAGE_TMPDIR: dir, PORTAGE_CONFIGROOT: `${dir}/`, EMERGE_LOG_DIR: dir }[name] ?? "''";
  return `${name}=${value}`;
}).join('\n');

function script(name, body) {
  const path = join(dir, name);
  writeFileSync(path, `#!/bin/sh\n${body}\n`);
  chmodSync(path, 0o755);
  return path;
}
const instant = script('portageq-instant', `cat <<'END'\n${answer}\nEND`);
const slow = script('portageq-slow', `sleep ${PORTAGEQ_SECONDS}\ncat <<'END'\n${answer}\nEND`);
const emerge = script('emerge', 'exit 0');

function run(portageq) {
  const env = {
    PATH: '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin',
    HOME: '/root',
    DEMERGE_CONFIG: join(LAB, 'demerge.conf'),
    DEMERGE_EMERGE: emerge,
    DEMERGE_PORTAGEQ: portageq,
    PORTAGE_TMPDIR: dir,
    EMERGE_LOG_DIR: dir,
    DEMERGE_HISTORY: join(dir, 'history.jsonl'),
  };
  const started = process.hrtime.bigint();
  const result = spawnSync(process.execPath, [join(ROOT, 'bin/demerge.js'), '--no-dashboard', '--oneshot', 'dev-util/tiny'], { env, encoding: 'utf8' });
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  if (result.status !== 0) throw new Error(`demerge failed:\n${result.stderr}`);
  if (/could not ask Portage/.test(result.stderr)) throw new Error(`portageq was not used:\n${result.stderr}`);
  return seconds;
}

const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
const times = { instant: [], portageq: [], serial: [] };
execFileSync(join(ROOT, 'lab/lab'), ['status'], { stdio: 'ignore' });
run(instant); // warm the page cache
for (let i = 0; i < runs; i++) {
  times.instant.push(run(instant));
  times.portageq.push(run(slow));
  const started = process.hrtime.bigint();
  execFileSync(slow, ['envvar', '-v', ...VARIABLES]);
  times.serial.push(Number(process.hrtime.bigint() - started) / 1e9 + run(instant));
}
rmSync(dir, { recursive: true, force: true });

const base = median(times.instant);
console.log(`demerge --oneshot (emerge exits at once), 3 lab nodes, median of ${runs} runs each`);
for (const [name, values] of Object.entries(times)) {
  const m = median(values);
  console.log(`  ${name.padEnd(9)} ${m.toFixed(3)} s   +${(m - base).toFixed(3)} s over instant   ratio ${(m / base).toFixed(2)}`);
}
console.log(
  `portageq's ${PORTAGEQ_SECONDS} s beside the probes costs ${(median(times.portageq) - base).toFixed(3)} s of wall time; asked first it would cost ${(median(times.serial) - base).toFixed(3)} s`,
);
