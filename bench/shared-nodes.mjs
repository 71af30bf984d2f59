#!/usr/bin/env node
// Issue 16's benchmark: two demerge builds on the same nodes (dev-util/slow and dev-util/hello
// through the emerge stand-in, 2 slots per node in the lab's config), measured side by side in
// one run:
//   (1) one after the other;
//   (2) both at once, with the node-wide limit (the nodes' shared service: 2 compiles per node);
//   (3) both at once without the limit: each run's config says 4 slots, so the node's service
//       keeps 4, which is what two runs with a distccd each (demerge before issue 16) put on a
//       2-slot node.
// For each: the wall time of the whole (first start to last end), each run's own, and the most
// compilers the distcc user ran at once on any node, from the kernel's process table (sampled
// every 20 ms on this machine), not from demerge.
//
// Run as root with the lab up (3 nodes), under the shared lab lock, after `npm run build`:
//   flock /tmp/demerge-lab.lock node bench/shared-nodes.mjs [--rounds=1]
// About 4 minutes per round.
import { execFileSync, spawn } from 'node:child_process';
import { chmodSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const ROOT = resolve(import.meta.dirname, '..');
const LAB_DIR = process.env.DEMERGE_LAB_DIR ?? '/var/lib/demerge-lab';
const ROUNDS = Number(/^--rounds=(\d+)$/.exec(process.argv.find((a) => a.startsWith('--rounds=')) ?? '')?.[1] ?? 1);
const PACKAGES = ['dev-util/slow', 'dev-util/hello'];

function log(text) {
  process.stderr.write(`bench: ${text}\n`);
}

function config(slots) {
  const dir = mkdtempSync(join(tmpdir(), 'demerge-bench-conf-'));
  chmodSync(dir, 0o755);
  const file = join(dir, 'demerge.conf');
  writeFileSync(file, readFileSync(join(LAB_DIR, 'demerge.conf'), 'utf8').replace(/^slots = \d+/gm, `slots = ${slots}`));
  return { file, dir };
}

function run(pkg, conf) {
  const work = mkdtempSync(join(tmpdir(), 'demerge-bench-run-'));
  chmodSync(work, 0o755);
  const env = {
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    LANG: 'C.UTF-8',
    DEMERGE_EMERGE: join(ROOT, 'test/emerge-standin/emerge'),
    DEMERGE_CONFIG: conf,
    PORTAGE_TMPDIR: work,
    EMERGE_LOG_DIR: work,
    DEMERGE_HISTORY: join(work, 'history.jsonl'),
  };
  const started = performance.now();
  return new Promise((done, fail) => {
    const child = spawn(join(ROOT, 'bin/demerge.js'), ['--oneshot', pkg], { env, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (chunk) => (stderr += chunk.toString()));
    child.on('close', (code) => {
      rmSync(work, { recursive: true, force: true });
      const share = /ran remotely \(([\d.]+)%\)/.exec(stderr)?.[1];
      if (code !== 0) fail(new Error(`${pkg} exited ${code}:\n${stderr.slice(-1500)}`));
      else done({ seconds: (performance.now() - started) / 1000, remote: share === undefined ? NaN : Number(share), end: performance.now() });
    });
  });
}

/** The most cc1/cc1plus of the distcc user at once on any lab node (see test/lab/lab.ts). */
function peakSampler() {
  const uid = execFileSync('id', ['-u', 'distcc'], { encoding: 'utf8' }).trim();
  const namespaces = new Map();
  for (const name of readdirSync(join(LAB_DIR, 'nodes'))) {
    try {
      namespaces.set(readlinkSync(`/proc/${readFileSync(join(LAB_DIR, 'nodes', name, 'pid'), 'utf8').trim()}/ns/pid`), name);
    } catch {
      // not up
    }
  }
  let peak = 0;
  const timer = setInterval(() => {
    const now = new Map();
    for (const pid of readdirSync('/proc')) {
      if (!/^\d+$/.test(pid)) continue;
      try {
        const status = readFileSync(`/proc/${pid}/status`, 'utf8');
        const name = /^Name:\s*(\S+)/m.exec(status)?.[1];
        if ((name !== 'cc1' && name !== 'cc1plus') || /^Uid:\s*(\d+)/m.exec(status)?.[1] !== uid) continue;
        const node = namespaces.get(readlinkSync(`/proc/${pid}/ns/pid`));
        if (node !== undefined) now.set(node, (now.get(node) ?? 0) + 1);
      } catch {
        // ended meanwhile
      }
    }
    for (const count of now.values()) peak = Math.max(peak, count);
  }, 20);
  return () => {
    clearInterval(timer);
    return peak;
  };
}

async function measure(name, body) {
  const stop = peakSampler();
  const started = performance.now();
  const runs = await body();
  const wall = (performance.now() - started) / 1000;
  const peak = stop();
  log(`${name}: ${wall.toFixed(1)} s, peak ${peak} compiles on a node`);
  return { name, wall, peak, runs };
}

function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

async function main() {
  if (process.getuid() !== 0) throw new Error('run as root, with the lab up');
  const limited = config(2);
  const unlimited = config(4);
  const results = { sequential: [], shared: [], unlimited: [] };
  try {
    for (let round = 0; round < ROUNDS; round++) {
      // Taking turns, so the machine's other load falls on all three alike.
      results.sequential.push(
        await measure('(1) one after the other', async () => {
          const out = [];
          for (const pkg of PACKAGES) out.push(await run(pkg, limited.file));
          return out;
        }),
      );
      results.shared.push(await measure('(2) at once, node-wide limit', () => Promise.all(PACKAGES.map((pkg) => run(pkg, limited.file)))));
      results.unlimited.push(await measure('(3) at once, no limit (4 per node)', () => Promise.all(PACKAGES.map((pkg) => run(pkg, unlimited.file)))));
    }
  } finally {
    rmSync(limited.dir, { recursive: true, force: true });
    rmSync(unlimited.dir, { recursive: true, force: true });
  }
  const rows = [
    ['(1)', 'one after the other (2 slots/node)', results.sequential],
    ['(2)', 'both at once, node-wide limit', results.shared],
    ['(3)', 'both at once, no limit (as before)', results.unlimited],
  ].map(([id, name, list]) => ({
    id,
    name,
    wall: median(list.map((r) => r.wall)),
    peak: Math.max(...list.map((r) => r.peak)),
    slow: median(list.map((r) => r.runs[0].seconds)),
    hello: median(list.map((r) => r.runs[1].seconds)),
    remote: Math.min(...list.flatMap((r) => r.runs.map((x) => x.remote))),
  }));
  const base = rows[0].wall;
  const lines = [
    `rounds: ${ROUNDS}; packages: ${PACKAGES.join(' + ')}; 3 lab nodes, 2 slots each (the lab shares this machine's cores)`,
    '',
    `${'row'.padEnd(4)} ${'what'.padEnd(36)} ${'total s'.padStart(8)} ${'vs (1)'.padStart(7)} ${'slow s'.padStart(7)} ${'hello s'.padStart(8)} ${'peak/node'.padStart(9)} ${'remote'.padStart(7)}`,
  ];
  for (const row of rows) {
    lines.push(
      `${row.id.padEnd(4)} ${row.name.padEnd(36)} ${row.wall.toFixed(1).padStart(8)} ${`${(row.wall / base).toFixed(2)}x`.padStart(7)} ${row.slow.toFixed(1).padStart(7)} ${row.hello.toFixed(1).padStart(8)} ${String(row.peak).padStart(9)} ${`${row.remote.toFixed(0)}%`.padStart(7)}`,
    );
  }
  lines.push('', `(2) vs (3): ${(rows[1].wall / rows[2].wall).toFixed(2)}x the time, peak ${rows[1].peak} against ${rows[2].peak} compiles on a 2-slot node`);
  process.stdout.write(`${lines.join('\n')}\n`);
}

main().catch((error) => {
  process.stderr.write(`bench: ${error.stack ?? error}\n`);
  process.exit(1);
});
