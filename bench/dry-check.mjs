#!/usr/bin/env node
// Benchmark of `demerge --dry-check` against 1, 8 and 32 lab nodes, directly and through a
// delaying proxy that adds 20 ms of round-trip time (10 ms each way), printing wall times and
// the ratio to a single node. Goal: 32 nodes in at most 1.5x the time of one.
//
//   npm run build && node bench/dry-check.mjs [--runs=N]
//
// Needs root and the lab. It takes the lab's shared lock itself, brings up 32 nodes for the
// measurement and leaves the lab with 3 healthy nodes, as it is expected to be found.
// Addresses: the lab's 198.18.I.2, and for the proxy 127.0.1.I (loopback) with port 2200+I:
// distcc names ssh hosts without a port, so every node needs its own address.

import { execFile, execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { startDelayProxy } from './delay-proxy.mjs';

const ROOT = resolve(import.meta.dirname, '..');
const LAB = process.env.DEMERGE_LAB_DIR ?? '/var/lib/demerge-lab';
const LOCK = '/tmp/demerge-lab.lock';
const SIZES = [1, 8, 32];
const DELAY_MS = 10; // each way: 20 ms of round-trip time
const runs = Number(process.argv.find((arg) => arg.startsWith('--runs='))?.slice(7) ?? 3);

if (process.env.DEMERGE_BENCH_LOCKED !== '1') {
  // Hold the shared lab lock for the whole measurement.
  const result = spawnSync('flock', [LOCK, process.execPath, ...process.argv.slice(1)], {
    stdio: 'inherit',
    env: { ...process.env, DEMERGE_BENCH_LOCKED: '1' },
  });
  process.exit(result.status ?? 1);
}

const lab = (...args) => execFileSync(join(ROOT, 'lab/lab'), args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });

function hostKey(i) {
  const [type, key] = readFileSync(join(LAB, 'nodes', String(i), 'ssh_host_ed25519_key.pub'), 'utf8').split(' ');
  return `${type} ${key}`;
}

/** A demerge.conf and known_hosts for the first n nodes, direct or through the proxy. */
function configFor(dir, n, proxied, transport = 'ssh') {
  const nodes = Array.from({ length: n }, (_, index) => index + 1);
  const address = (i) => (proxied ? { host: `127.0.1.${i}`, port: 2200 + i } : { host: `198.18.${i}.2`, port: 22 });
  const knownHosts = join(dir, `known_hosts-${proxied ? 'proxy' : 'direct'}-${n}`);
  writeFileSync(
    knownHosts,
    nodes.map((i) => `${address(i).port === 22 ? address(i).host : `[${address(i).host}]:${address(i).port}`} ${hostKey(i)}\n`).join(''),
    { mode: 0o644 },
  );
  const config = join(dir, `demerge-${proxied ? 'proxy' : 'direct'}-${n}-${transport}.conf`);
  // For "before a build", transport = "ssh": the build then starts nothing per node before
  // emerge, so it measures the checks alone (the tunnel transport's own start-up is not theirs).
  // The dry check's trial compile takes the transport's path, so it is measured with both.
  const lines = [
    `key = "${LAB}/frontend/id_ed25519"`,
    `known_hosts = "${knownHosts}"`,
    'local_slots = 0',
    'connect_timeout = 3',
    'load_limit = 0',
    `transport = "${transport}"`,
  ];
  for (const i of nodes) lines.push('', '[[node]]', `host = "${address(i).host}"`, `port = ${address(i).port}`, 'slots = 2');
  writeFileSync(config, `${lines.join('\n')}\n`, { mode: 0o644 });
  return config;
}

// CPU in clock ticks (USER_HZ = 100 on Linux): of this process's reaped children (demerge and
// what it waited for: the front end's whole share), and of the whole machine (front end + nodes).
function childTicks() {
  const stat = readFileSync('/proc/self/stat', 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return Number(fields[13]) + Number(fields[14]);
}
function machineTicks() {
  const [, ...values] = readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/).map(Number);
  return values.reduce((a, b) => a + b, 0) - values[3] - values[4];
}
const cpu = { front: 0, machine: 0 };

/** Wall time of one demerge run, in ms. Asynchronous: the delaying proxy lives in this process. */
function timed(args, env) {
  return new Promise((resolvePromise, reject) => {
    const started = performance.now();
    const [front, machine] = [childTicks(), machineTicks()];
    execFile(process.execPath, [join(ROOT, 'bin/demerge.js'), ...args], { env: { PATH: process.env.PATH, ...env } }, (error, stdout, stderr) => {
      const ms = performance.now() - started;
      cpu.front = (childTicks() - front) * 10;
      cpu.machine = (machineTicks() - machine) * 10;
      if (error !== null && args[0] === '--dry-check' && typeof error.code === 'number' && error.code <= 2) {
        // A node that failed under load is part of the measurement: say so and go on.
        let problems = stdout;
        try {
          problems = JSON.parse(stdout)
            .checks.filter((check) => check.verdict !== 'ok')
            .map((check) => `${check.node} ${check.id}: ${check.message}`)
            .join('; ');
        } catch {
          // not JSON: show it as it is
        }
        process.stderr.write(`bench: note: exit ${error.code}: ${problems}\n`);
        resolvePromise(ms);
      } else if (error !== null) {
        reject(new Error(`demerge ${args.join(' ')} exited ${error.code}: ${stderr}`));
      } else {
        resolvePromise(ms);
      }
    });
  });
}

/** `demerge --dry-check`: every check, the trial compile included. */
const dryCheck = (config) => timed(['--dry-check', '--json'], { DEMERGE_CONFIG: config });

/** The checks before a build: `demerge --pretend` with the emerge stand-in, which returns at once (~50 ms). */
const beforeBuild = (config, dir) =>
  timed(['--pretend', 'dev-util/tiny'], {
    DEMERGE_CONFIG: config,
    DEMERGE_EMERGE: join(ROOT, 'test/emerge-standin/emerge'),
    PORTAGE_TMPDIR: dir,
    EMERGE_LOG_DIR: dir,
  });

function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

async function main() {
  const dir = mkdtempSync('/var/tmp/demerge-bench-');
  chmodSync(dir, 0o755);
  let proxy;
  try {
    process.stderr.write('bench: lab up 32\n');
    lab('up', '32');
    proxy = await startDelayProxy(
      Array.from({ length: 32 }, (_, index) => ({
        listenHost: `127.0.1.${index + 1}`,
        listenPort: 2201 + index,
        targetHost: `198.18.${index + 1}.2`,
        targetPort: 22,
      })),
      DELAY_MS,
    );
    const table = [];
    for (const [what, transport, measure] of [
      ['--dry-check', 'tunnel', dryCheck],
      ['--dry-check', 'ssh', dryCheck],
      ['before a build', 'ssh', (config) => beforeBuild(config, dir)],
    ]) {
      for (const proxied of [false, true]) {
        const times = new Map();
        const fronts = new Map();
        const machines = new Map();
        for (const n of SIZES) {
          const config = configFor(dir, n, proxied, transport);
          await measure(config); // warm-up: page cache, sshd's first fork
          const samples = [];
          const front = [];
          const machine = [];
          for (let run = 0; run < runs; run++) {
            samples.push(await measure(config));
            front.push(cpu.front);
            machine.push(cpu.machine);
          }
          times.set(n, median(samples));
          fronts.set(n, median(front));
          machines.set(n, median(machine));
          process.stderr.write(
            `bench: ${what} (${transport}), ${proxied ? '+20 ms rtt' : 'direct'}, ${n} node(s): ${samples.map((s) => s.toFixed(0)).join(' ')} ms\n`,
          );
        }
        for (const n of SIZES) {
          table.push({
            what,
            transport,
            path: proxied ? '+20 ms rtt' : 'direct',
            nodes: n,
            ms: times.get(n),
            ratio: times.get(n) / times.get(1),
            front: fronts.get(n),
            machine: machines.get(n),
          });
        }
      }
    }
    console.log(`demerge, median of ${runs} runs: wall time of the whole command (Node.js start included), CPU of`);
    console.log('the front end (demerge and its children) and of the whole machine (front end and the lab nodes)');
    console.log('what            transport  path        nodes   wall ms   ratio   front CPU ms   machine CPU ms');
    for (const row of table) {
      console.log(
        `${row.what.padEnd(14)}  ${row.transport.padEnd(9)}  ${row.path.padEnd(10)}  ${String(row.nodes).padStart(5)}   ${row.ms.toFixed(0).padStart(7)}   ${row.ratio.toFixed(2).padStart(4)}x   ${String(row.front).padStart(12)}   ${String(row.machine).padStart(14)}`,
      );
    }
    for (const transport of ['tunnel', 'ssh']) {
      const rows = table.filter((row) => row.what === '--dry-check' && row.transport === transport && row.path === 'direct');
      const one = rows.find((row) => row.nodes === 1);
      const many = rows.find((row) => row.nodes === 32);
      const perNode = (many.front - one.front) / 31;
      console.log(
        `--dry-check (${transport}): front-end CPU per extra node ${perNode.toFixed(1)} ms; the nodes' own, on this shared machine, ${((many.machine - many.front - (one.machine - one.front)) / 31).toFixed(1)} ms`,
      );
    }
    const worst = Math.max(...table.filter((row) => row.nodes === 32 && row.what === '--dry-check').map((row) => row.ratio));
    console.log(`goal: --dry-check on 32 nodes in at most 1.5x one node: ${worst <= 1.5 ? 'met' : 'NOT met'} (worst ${worst.toFixed(2)}x)`);
  } finally {
    await proxy?.close();
    rmSync(dir, { recursive: true, force: true });
    process.stderr.write('bench: lab up 3\n');
    lab('up', '3');
  }
}

await main();
