#!/usr/bin/env node
// Issue 4's benchmark: per-job overhead and the whole lab build for
//   (a) the recipe's transport (transport = "ssh": a new ssh and `distccd --inetd` per job),
//   (b) demerge's default transport (transport = "tunnel": one OpenSSH master per node, the
//       node's shared service with its distccd in a private network namespace, each job a perl
//       relay to the master's forwarded unix socket),
//   (b2) the same with a key of `setup node --restrict` (permitopen="127.0.0.1:3633" and the
//       forced command, for this benchmark only): each job goes to the service's TCP entrance,
//   (c) distcc's plain TCP daemon mode (a distccd on 198.18.I.2:3632, for this benchmark only),
//   (d) local only,
// each also with 10 ms added each way by a user-space delaying proxy on 127.0.0.1x (no netem
// here). Then `demerge dev-util/hello` through the emerge stand-in with the network sandbox on,
// counted remote by the nodes' own records. Figures and ratios are printed side by side.
//
// Run as root with the lab up, under the shared lab lock:
//   flock /tmp/demerge-lab.lock node bench/transport.mjs [--per-job=20] [--rounds=3] [--nodes=3] [--no-recipe-build]
// (--rounds: whole builds of (b) and (c), taking turns; the median is reported. About 7 minutes.)
// Needs `npm run build` first (it drives dist/, as bin/demerge.js does).
import { execFileSync, spawn } from 'node:child_process';
import { chmodSync, chownSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../dist/config/index.js';
import { writeRunFiles } from '../dist/run-env/write-run-files.js';
import { RunTunnels } from '../dist/transport/index.js';
import { authorizedKeyLine, authorizedKeyOptions } from '../dist/setup/authorized-keys.js';
import { commandShapes, renderForcedCommand } from '../dist/setup/forced-command.js';
import { startDelayProxy } from './lib/delay-proxy.mjs';
import { buildUserIds, compileOnce, median, scratch } from './lib/distcc-jobs.mjs';
import { lab, labBuild, ROOT, unitCount } from './lib/lab-build.mjs';

const option = (name, fallback) => {
  const arg = process.argv.find((a) => a.startsWith(`--${name}=`));
  return arg === undefined ? fallback : Number(arg.split('=')[1]);
};
const PER_JOB = option('per-job', 20);
const ROUNDS = option('rounds', 3);
const RECIPE_BUILD = !process.argv.includes('--no-recipe-build');
const DELAY_MS = 10;
const LAB_DIR = process.env.DEMERGE_LAB_DIR ?? '/var/lib/demerge-lab';
const SSH = '/usr/bin/ssh';
const TCP_PORT = 3632;

if (process.getuid() !== 0) throw new Error('run as root (the lab, the build user)');
const config = loadConfig({ flags: {}, env: { DEMERGE_CONFIG: join(LAB_DIR, 'demerge.conf') }, readFile: (p) => readFileSync(p, 'utf8'), cpuCount: 2 });
// The lab's usual 3 nodes (2 slots each), whatever size the lab was left at.
const nodes = config.nodes.slice(0, option('nodes', 3));
const owner = buildUserIds();
const work = scratch(owner);
const distccDir = join(work, 'distcc');
const cleanups = [];
const log = (line) => process.stderr.write(`bench: ${line}\n`);

const nodeIndex = (node) => Number(node.host.split('.')[2]);
const proxyHost = (node) => `127.0.0.${10 + nodeIndex(node)}`;
const slotsOf = (list) => list.reduce((sum, node) => sum + node.slots, 0);

/** A private run directory like /run/demerge/<run>: root-owned, the build user's group may enter. */
const made = [];
function runDir(name) {
  const dir = mkdtempSync(join(tmpdir(), `demerge-bench-${name}-`));
  made.push(dir);
  chownSync(dir, 0, owner.gid);
  chmodSync(dir, 0o750);
  return dir;
}

/** The distccd below `pid` once it has started (lab/lab runs nsenter, which runs setpriv, which execs distccd). */
async function childOf(pid) {
  const children = (p) => {
    try {
      return readFileSync(`/proc/${p}/task/${p}/children`, 'utf8').trim().split(/\s+/).filter(Boolean);
    } catch {
      return [];
    }
  };
  for (let tries = 0; tries < 200; tries++) {
    const queue = children(pid);
    while (queue.length > 0) {
      const child = queue.shift();
      try {
        if (readFileSync(`/proc/${child}/cmdline`, 'utf8').startsWith('distccd')) return Number(child);
      } catch {
        continue;
      }
      queue.push(...children(child));
    }
    await new Promise((r) => setTimeout(r, 25));
  }
  return undefined;
}

/** known_hosts that also names each node's host key under its proxy address. */
function proxiedKnownHosts() {
  const lines = readFileSync(config.knownHosts, 'utf8')
    .split('\n')
    .filter((l) => l.trim() !== '');
  const extra = [];
  for (const node of nodes) {
    const line = lines.find((l) => l.split(/\s+/)[0] === node.host);
    if (line) extra.push(`[${proxyHost(node)}]:2222 ${line.split(/\s+/).slice(1).join(' ')}`);
  }
  const file = join(work, 'known_hosts');
  writeFileSync(file, `${[...lines, ...extra].join('\n')}\n`, { mode: 0o644 });
  return file;
}

async function main() {
  log(`lab: ${nodes.length} nodes configured; per job: median of ${PER_JOB}; builds of (b) and (c): median of ${ROUNDS}`);
  const knownHosts = proxiedKnownHosts();
  const viaProxy = nodes.map((node) => ({ ...node, host: proxyHost(node), port: 2222 }));

  // Delaying proxies: ssh (2222) and distccd (3632) of every node.
  for (const node of nodes) {
    for (const [listenPort, targetPort] of [
      [2222, node.port],
      [TCP_PORT, TCP_PORT],
    ]) {
      const proxy = await startDelayProxy({ listenHost: proxyHost(node), listenPort, targetHost: node.host, targetPort, delayMs: DELAY_MS });
      cleanups.push(() => proxy.close());
    }
  }

  // (c) distccd's TCP daemon in every node, for this benchmark only. `lab/lab exec` runs
  // nsenter, below which is distccd (--no-detach): its host pid is what gets SIGTERM, which
  // distccd passes to its whole process group. (Not --pid-file: distccd's prefork children run
  // its atexit handler and remove the file when they end.)
  for (const node of nodes) {
    const i = nodeIndex(node);
    const nsenter = spawn(
      join(ROOT, 'lab/lab'),
      [
        'exec',
        String(i),
        'setpriv',
        '--reuid=distcc',
        '--regid=daemon',
        '--clear-groups',
        'distccd',
        '--daemon',
        '--no-detach',
        '--listen',
        node.host,
        '--port',
        String(TCP_PORT),
        '--allow',
        `198.18.${i}.1`,
        '--jobs',
        String(node.slots),
      ],
      { stdio: 'ignore' },
    );
    const closed = new Promise((resolve) => nsenter.once('close', resolve));
    const daemon = await childOf(nsenter.pid);
    cleanups.push(async () => {
      if (daemon !== undefined) process.kill(daemon, 'SIGTERM');
      await closed;
    });
  }

  // (a) the recipe's wrapper, direct and through the proxies.
  const recipe = (list, name) =>
    writeRunFiles(runDir(name), name, list, { ssh: SSH, key: config.key, knownHosts, connectTimeout: config.connectTimeout }, { uid: 0, gid: owner.gid })
      .wrapper;
  const recipeDirect = recipe(nodes, 'recipe');
  const recipeDelayed = recipe(viaProxy, 'recipe-delay');

  // (b2)'s key: a key of its own, restricted on every node as `setup node --restrict` does it
  // (its line added to authorized_keys, the forced command written); both undone at the end.
  const restrictedKey = join(work, 'restricted_ed25519');
  execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', 'demerge-bench-restricted', '-f', restrictedKey]);
  chownSync(restrictedKey, owner.uid, owner.gid);
  const [type, blob] = readFileSync(`${restrictedKey}.pub`, 'utf8').trim().split(/\s+/);
  const line = authorizedKeyLine(
    { type, blob, comment: 'demerge-bench-restricted' },
    authorizedKeyOptions({ restrict: true, entrancePort: config.entrancePort }),
  );
  for (const node of nodes) {
    const home = join(LAB_DIR, `nodes/${nodeIndex(node)}/distcc`);
    const keys = join(home, '.ssh/authorized_keys');
    const before = readFileSync(keys, 'utf8');
    writeFileSync(keys, `${before.replace(/\n?$/, '\n')}${line}\n`);
    const command = join(home, 'demerge-command');
    writeFileSync(command, renderForcedCommand(commandShapes({ entrancePort: config.entrancePort }), 'bench'), { mode: 0o755 });
    cleanups.push(() => {
      writeFileSync(keys, before);
      rmSync(command, { force: true });
    });
  }

  // (b) demerge's tunnels, direct and through the proxies.
  const tunnels = async (list, name, key = config.key) => {
    const dir = runDir(name);
    const set = new RunTunnels(
      list,
      {
        runDir: dir,
        runId: name,
        ssh: SSH,
        relay: { kind: 'perl', path: '/usr/bin/perl' },
        key,
        knownHosts,
        connectTimeout: config.connectTimeout,
        buildUser: owner,
        fileOwner: { uid: 0, gid: owner.gid },
        distccDir,
      },
      (event) => log(`tunnel to ${event.node.host}: ${event.kind} ${event.cause}`),
    );
    cleanups.push(() => set.close());
    const results = await set.open();
    const failed = results.filter((r) => !r.ok);
    if (failed.length > 0) throw new Error(`tunnel failed: ${failed.map((r) => `${r.node.host}: ${r.cause}`).join('; ')}`);
    return set.connector;
  };
  const tunnelDirect = await tunnels(nodes, 'tunnel');
  const tunnelDelayed = await tunnels(viaProxy, 'tunnel-delay');
  const entranceDirect = await tunnels(nodes, 'entrance', restrictedKey);
  const entranceDelayed = await tunnels(viaProxy, 'entrance-delay', restrictedKey);

  const sshHosts = (list) => list.map((n) => `${n.user}@${n.host}/${n.slots}${n.options.length ? `,${n.options.join(',')}` : ''}`).join(' ');
  const tcpHosts = (list, port = TCP_PORT) => list.map((n) => `${n.host}:${port}/${n.slots}`).join(' ');
  const first = [nodes[0]];
  const firstProxied = [viaProxy[0]];
  const rows = [
    {
      id: '(a)',
      name: 'recipe: ssh + distccd --inetd per job',
      job: [
        { DISTCC_HOSTS: sshHosts(first), DISTCC_SSH: recipeDirect },
        { DISTCC_HOSTS: sshHosts(firstProxied), DISTCC_SSH: recipeDelayed },
      ],
      build: RECIPE_BUILD
        ? [
            { DISTCC_HOSTS: sshHosts(nodes), DISTCC_SSH: recipeDirect },
            { DISTCC_HOSTS: sshHosts(viaProxy), DISTCC_SSH: recipeDelayed },
          ]
        : null,
    },
    {
      id: '(b)',
      name: "tunnel: demerge's default",
      job: [
        { DISTCC_HOSTS: sshHosts(first), DISTCC_SSH: tunnelDirect },
        { DISTCC_HOSTS: sshHosts(firstProxied), DISTCC_SSH: tunnelDelayed },
      ],
      build: [
        { DISTCC_HOSTS: sshHosts(nodes), DISTCC_SSH: tunnelDirect },
        { DISTCC_HOSTS: sshHosts(viaProxy), DISTCC_SSH: tunnelDelayed },
      ],
    },
    {
      id: '(b2)',
      name: 'tunnel, restricted key (TCP entrance)',
      job: [
        { DISTCC_HOSTS: sshHosts(first), DISTCC_SSH: entranceDirect },
        { DISTCC_HOSTS: sshHosts(firstProxied), DISTCC_SSH: entranceDelayed },
      ],
      build: null,
    },
    {
      id: '(c)',
      name: 'distccd TCP daemon (the floor)',
      job: [{ DISTCC_HOSTS: tcpHosts(first) }, { DISTCC_HOSTS: tcpHosts(firstProxied) }],
      build: [{ DISTCC_HOSTS: tcpHosts(nodes) }, { DISTCC_HOSTS: tcpHosts(viaProxy) }],
    },
    { id: '(d)', name: 'local only', job: [null, null], build: [null, null] },
  ];

  // Per job: the transports take turns, so the machine's other load spreads over all of them.
  log('per-job figures...');
  for (const row of rows) row.jobTimes = [[], []];
  for (const row of rows) row.jobLocal = [0, 0];
  for (let i = 0; i < PER_JOB; i++) {
    for (const row of rows) {
      for (const delayed of [0, 1]) {
        if (delayed === 1 && row.id === '(d)') continue;
        const result = await compileOnce(owner, work, row.job[delayed]);
        if (!result.ok) throw new Error(`${row.id} compile failed`);
        row.jobTimes[delayed].push(result.ms);
        if (result.local && row.job[delayed] !== null) row.jobLocal[delayed]++;
      }
    }
  }
  for (const row of rows) {
    row.jobMs = row.jobTimes.map((times) => (times.length ? median(times) : undefined));
  }
  rows.find((r) => r.id === '(d)').jobMs[1] = rows.find((r) => r.id === '(d)').jobMs[0];

  const units = unitCount();
  const remoteJobs = 2 * slotsOf(nodes) + 1;
  const localJobs = Number(execFileSync('nproc', { encoding: 'utf8' }).trim());
  // (b) and (c), the pair the goal compares, take turns for ROUNDS rounds (median reported);
  // the others build once.
  log(`whole builds: make -j${remoteJobs} through distcc, -j${localJobs} locally, ${units} units...`);
  for (const row of rows) row.buildRuns = [[], []];
  for (let round = 0; round < ROUNDS; round++) {
    for (const row of rows) {
      if (row.build === null || (round > 0 && row.id !== '(b)' && row.id !== '(c)')) continue;
      for (const delayed of [0, 1]) {
        if (delayed === 1 && row.id === '(d)') continue;
        const result = await labBuild(owner, row.build[delayed], { jobs: row.build[delayed] === null ? localJobs : remoteJobs, distccDir });
        row.buildRuns[delayed].push(result);
        log(`  ${row.id}${delayed ? ' +10ms' : ''}: ${result.seconds.toFixed(1)} s, ${result.remote}/${units} remote`);
      }
    }
  }
  for (const row of rows) {
    row.builds = row.buildRuns.map((runs) => {
      if (runs.length === 0) return undefined;
      const sorted = [...runs].sort((x, y) => x.seconds - y.seconds);
      return sorted[(sorted.length - 1) >> 1];
    });
  }
  rows.find((r) => r.id === '(d)').builds[1] = rows.find((r) => r.id === '(d)').builds[0];

  // (b) in a network namespace with only lo, as Portage's network-sandbox runs the build.
  log('tunnel build inside a network namespace with only lo...');
  const sandboxed = await labBuild(owner, rows[1].build[0], { jobs: remoteJobs, distccDir, netns: true });

  // And demerge itself through the emerge stand-in, sandbox on (its default FEATURES).
  log('demerge dev-util/hello through the stand-in...');
  const standin = await demergeHello();

  printTable(rows, units, sandboxed, standin);
}

async function demergeHello() {
  const dir = mkdtempSync(join(tmpdir(), 'demerge-bench-emerge-'));
  chmodSync(dir, 0o755);
  // The lab's config, with the benchmark's nodes only.
  const conf = join(dir, 'demerge.conf');
  writeFileSync(
    conf,
    [
      `key = "${config.key}"`,
      `known_hosts = "${config.knownHosts}"`,
      `local_slots = ${config.localSlots}`,
      `connect_timeout = ${config.connectTimeout}`,
      `load_limit = ${config.loadLimit}`,
      ...nodes.flatMap((n) => ['', '[[node]]', `host = "${n.host}"`, `slots = ${n.slots}`]),
      '',
    ].join('\n'),
  );
  lab('compiles-reset', 'all');
  const started = process.hrtime.bigint();
  const result = await new Promise((resolve) => {
    const child = spawn(process.execPath, [join(ROOT, 'bin/demerge.js'), '--oneshot', 'dev-util/hello'], {
      env: {
        PATH: process.env.PATH,
        HOME: '/root',
        DEMERGE_CONFIG: conf,
        DEMERGE_EMERGE: join(ROOT, 'test/emerge-standin/emerge'),
        PORTAGE_TMPDIR: dir,
        EMERGE_LOG_DIR: dir,
        DEMERGE_HISTORY: join(dir, 'history.jsonl'),
        FEATURES: 'noclean',
      },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (c) => {
      stderr += c;
    });
    child.on('close', (code) => resolve({ code, stderr }));
  });
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  const remote = lab('compiles', 'all')
    .trim()
    .split('\n')
    .reduce((t, l) => t + Number(l.trim().split(/\s+/)[1] ?? 0), 0);
  const env = JSON.parse(readFileSync(join(dir, 'portage/dev-util/hello-1.0/temp/environment.json'), 'utf8'));
  rmSync(dir, { recursive: true, force: true });
  return { ...result, seconds, remote, sandbox: env.FEATURES.split(' ').includes('network-sandbox') };
}

function printTable(rows, units, sandboxed, standin) {
  const c = rows.find((r) => r.id === '(c)');
  const a = rows.find((r) => r.id === '(a)');
  const b = rows.find((r) => r.id === '(b)');
  const b2 = rows.find((r) => r.id === '(b2)');
  const d = rows.find((r) => r.id === '(d)');
  const ms = (v) => (v === undefined ? '-' : v >= 100 ? v.toFixed(0) : v.toFixed(1));
  const s = (v) => (v === undefined ? '-' : v.seconds.toFixed(1));
  const x = (v, base) => (v === undefined || base === undefined ? '-' : `${(v / base).toFixed(2)}x`);
  const pct = (v) => (v === undefined ? '-' : `${Math.round((100 * v.remote) / units)}%`);
  const header = ['', 'transport', 'job ms', 'vs (c)', 'job +10ms', 'vs (c)', 'build s', 'vs (c)', 'remote', 'build +10ms', 'vs (c)', 'remote'];
  const lines = [header];
  for (const row of rows) {
    lines.push([
      row.id,
      row.name,
      ms(row.jobMs[0]),
      x(row.jobMs[0], c.jobMs[0]),
      ms(row.jobMs[1]),
      x(row.jobMs[1], c.jobMs[1]),
      s(row.builds[0]),
      x(row.builds[0]?.seconds, c.builds[0]?.seconds),
      row.id === '(d)' ? '0%' : pct(row.builds[0]),
      s(row.builds[1]),
      x(row.builds[1]?.seconds, c.builds[1]?.seconds),
      row.id === '(d)' ? '0%' : pct(row.builds[1]),
    ]);
  }
  const widths = header.map((_, i) => Math.max(...lines.map((l) => String(l[i]).length)));
  const out = lines.map((l) => l.map((cell, i) => (i < 2 ? String(cell).padEnd(widths[i]) : String(cell).padStart(widths[i]))).join('  '));
  out.splice(1, 0, widths.map((w) => '-'.repeat(w)).join('  '));
  const overhead = (row, i) => row.jobMs[i] - d.jobMs[0];
  const goal = (ok) => (ok ? 'met' : 'MISSED');
  const perJob = b.jobMs[0] / c.jobMs[0];
  const build = b.builds[0] && c.builds[0] ? b.builds[0].seconds / c.builds[0].seconds : undefined;
  const vsRecipe = a.jobMs[0] / b.jobMs[0];
  const vsRecipeOverhead = overhead(a, 0) / overhead(b, 0);
  out.push(
    '',
    `(b) per job vs (c): ${perJob.toFixed(2)}x (goal <= 1.3x: ${goal(perJob <= 1.3)}); with +10 ms each way: ${(b.jobMs[1] / c.jobMs[1]).toFixed(2)}x`,
    `(b2) per job vs (c): ${(b2.jobMs[0] / c.jobMs[0]).toFixed(2)}x (goal <= 1.3x: ${goal(b2.jobMs[0] / c.jobMs[0] <= 1.3)}); with +10 ms each way: ${(b2.jobMs[1] / c.jobMs[1]).toFixed(2)}x`,
    build === undefined
      ? '(b) whole build vs (c): -'
      : `(b) whole build vs (c): ${build.toFixed(2)}x (goal <= 1.15x: ${goal(build <= 1.15)}); with +10 ms each way: ${x(b.builds[1]?.seconds, c.builds[1]?.seconds)}`,
    `(a) per job vs (b): ${vsRecipe.toFixed(1)}x; overhead over a local compile: (a) ${ms(overhead(a, 0))} ms vs (b) ${ms(overhead(b, 0))} ms = ${vsRecipeOverhead.toFixed(1)}x (goal >= 10x: ${goal(vsRecipe >= 10)}); with +10 ms: ${(a.jobMs[1] / b.jobMs[1]).toFixed(1)}x`,
    `whole builds, each run: (b) ${b.buildRuns[0].map((r) => r.seconds.toFixed(1)).join(', ')} s; (c) ${c.buildRuns[0].map((r) => r.seconds.toFixed(1)).join(', ')} s; +10 ms: (b) ${b.buildRuns[1].map((r) => r.seconds.toFixed(1)).join(', ')} s; (c) ${c.buildRuns[1].map((r) => r.seconds.toFixed(1)).join(', ')} s`,
    `(b) whole build in a network namespace with only lo: ${sandboxed.seconds.toFixed(1)} s, ${sandboxed.remote}/${units} remote (${Math.round((100 * sandboxed.remote) / units)}%), ${sandboxed.fellBack} fell back`,
    `demerge dev-util/hello, stand-in, network-sandbox ${standin.sandbox ? 'on' : 'OFF'}: exit ${standin.code}, ${standin.seconds.toFixed(1)} s, ${standin.remote}/${units} units remote by the nodes' records (${Math.round((100 * standin.remote) / units)}%; goal >= 95%: ${goal(standin.sandbox && standin.remote / units >= 0.95)})`,
    `jobs that fell back to local in the per-job runs: ${rows.map((r) => `${r.id} ${r.jobLocal[0]}+${r.jobLocal[1]}`).join(', ')}`,
  );
  process.stdout.write(`${out.join('\n')}\n`);
}

try {
  await main();
} finally {
  for (const cleanup of cleanups.reverse()) {
    try {
      await cleanup();
    } catch (error) {
      log(`cleanup: ${error.message}`);
    }
  }
  for (const dir of [work, ...made]) rmSync(dir, { recursive: true, force: true });
}
