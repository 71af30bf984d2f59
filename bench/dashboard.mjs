#!/usr/bin/env node
// The dashboard's own cost: CPU time and RSS of the process that samples N lab nodes once a
// second over one ssh connection each and draws the blessed screen (80x24, into memory),
// for 1, 8 and 32 nodes over 60 s. Goal: under 5% of one core and under 150 MB RSS at 32.
//
//   npm run build
//   flock /tmp/demerge-lab.lock node bench/dashboard.mjs [--seconds=60] [--nodes=1,8,32] [--busy]
//
// It replaces the lab for each size (lab/lab up N) and leaves it at `up 3` when done. Each
// size is measured in a fresh child process, after the connections are up (the handshakes
// are reported apart, as "startup"). The nodes are idle; --busy adds, from this (parent)
// process, the local side of a busy build: a distcc state file per node slot changing phase
// every second, and DISTCC_LOG growing by a finished job per slot and second.

import { execFileSync, spawn } from 'node:child_process';
import { appendFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { PassThrough } from 'node:stream';
import { fileURLToPath } from 'node:url';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const LAB = process.env.DEMERGE_LAB_DIR ?? '/var/lib/demerge-lab';
const option = (name, fallback) => process.argv.find((a) => a.startsWith(`--${name}=`))?.split('=')[1] ?? fallback;

async function child(nodes, seconds, work) {
  const { startCollectors } = await import(join(ROOT, 'dist/dashboard/collect/collectors.js'));
  const { DashboardScreen } = await import(join(ROOT, 'dist/dashboard/screen.js'));
  const { DashboardView } = await import(join(ROOT, 'dist/dashboard/view.js'));
  const { DashboardStore } = await import(join(ROOT, 'dist/dashboard/store.js'));
  const { createDashboardState } = await import(join(ROOT, 'dist/dashboard/state.js'));
  const { connectAuth } = await import(join(ROOT, 'dist/ssh/auth.js'));
  const hosts = Array.from({ length: nodes }, (_, i) => ({ host: `198.18.${i + 1}.2`, port: 22, user: 'distcc', slots: 4 }));
  const info = {
    version: 1,
    pid: process.pid,
    startedAt: Date.now(),
    nodes: hosts,
    localSlots: 2,
    distccDir: join(work, 'distcc'),
    distccLog: { path: join(work, 'distcc.log'), offset: 0 },
    emergeLog: { path: join(work, 'emerge.log'), offset: 0 },
    ssh: { key: join(LAB, 'frontend/id_ed25519'), knownHosts: join(LAB, 'frontend/known_hosts'), connectTimeoutSeconds: 5 },
    sampleIntervalMs: 1000,
    backoffPeriodMs: 60_000,
  };
  const auth = connectAuth(
    { readBinary: (p) => readFileSync(p), readFile: (p) => readFileSync(p, 'utf8') },
    { key: info.ssh.key, knownHosts: info.ssh.knownHosts, connectTimeout: 5 },
  );
  const store = new DashboardStore(
    createDashboardState({ startedAt: info.startedAt, nodes: hosts.map((h) => ({ name: h.host, slots: h.slots })), localSlots: 2 }),
  );
  const input = Object.assign(new PassThrough(), { isTTY: true, isRaw: false, setRawMode: () => input });
  const output = Object.assign(new PassThrough(), { isTTY: true, columns: 80, rows: 24 });
  let bytes = 0;
  output.on('data', (chunk) => {
    bytes += chunk.length;
  });
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  const collectors = startCollectors(info, auth, store);
  const screen = new DashboardScreen({ input, output, terminal: 'xterm-256color' });
  const view = new DashboardView({ store, screen, readOnly: true, onAction: () => undefined });
  view.start();
  // Startup: until every node has answered once.
  while (store.state.nodes.some((n) => n.sampledAt === undefined) && performance.now() - t0 < 30_000) await new Promise((r) => setTimeout(r, 100));
  const startupMs = performance.now() - t0;
  const startupCpu = process.cpuUsage(cpu0);
  const samplesAt = (s) => s.nodes.map((n) => n.sampledAt ?? 0);
  let samples = 0;
  const before = samplesAt(store.state);
  const unsubscribe = store.subscribe((s) => {
    samples += s.nodes.filter((n, i) => (n.sampledAt ?? 0) > (before[i] ?? 0)).length;
    s.nodes.forEach((n, i) => (before[i] = n.sampledAt ?? 0));
  });
  let rssPeak = 0;
  const rssTimer = setInterval(() => (rssPeak = Math.max(rssPeak, process.memoryUsage().rss)), 250);
  const cpu1 = process.cpuUsage();
  const t1 = performance.now();
  const bytes1 = bytes;
  await new Promise((r) => setTimeout(r, seconds * 1000));
  const cpu = process.cpuUsage(cpu1);
  const wallMs = performance.now() - t1;
  clearInterval(rssTimer);
  unsubscribe();
  view.stop();
  screen.destroy();
  collectors.stop();
  const up = store.state.nodes.filter((n) => n.status === 'up').length;
  process.stdout.write(
    `${JSON.stringify({
      nodes,
      up,
      startupMs,
      startupCpuMs: (startupCpu.user + startupCpu.system) / 1000,
      wallMs,
      cpuMs: (cpu.user + cpu.system) / 1000,
      rssPeakMiB: rssPeak / (1024 * 1024),
      maxRssMiB: process.resourceUsage().maxRSS / 1024,
      samples,
      screenBytes: bytes - bytes1,
    })}\n`,
  );
  process.exit(0);
}

function lab(...args) {
  execFileSync(join(ROOT, 'lab/lab'), args, { stdio: ['ignore', 'ignore', 'inherit'] });
}

// struct dcc_task_state on x86-64 (distcc src/state.h).
function binstate(file, host, phase, pid) {
  const data = Buffer.alloc(296);
  data.writeBigUInt64LE(296n, 0);
  data.writeBigUInt64LE(0x44494800n, 8);
  data.writeBigUInt64LE(BigInt(pid), 16);
  data.write(file, 24);
  data.write(host, 152);
  data.writeInt32LE(phase, 284);
  return data;
}

/** The local files of a build as busy as the nodes' slots allow, written every 100 ms. */
function busyBuild(work, nodes) {
  const slots = nodes * 4;
  let tick = 0;
  let job = 1000;
  const timer = setInterval(() => {
    tick++;
    const lines = [];
    for (let s = 0; s < slots; s++) {
      const host = `198.18.${(s % nodes) + 1}.2`;
      const pid = 100 + s;
      // Each slot changes phase once a second, spread over the ticks.
      if ((s + tick) % 10 === 0)
        writeFileSync(
          join(work, 'distcc/state', `binstate_${pid}`),
          binstate(`u${String(job % 1000).padStart(3, '0')}.c`, host, 2 + ((Math.floor(tick / 10) + s) % 5), pid),
        );
      if ((s + tick) % 10 === 5) {
        job++;
        lines.push(
          `distcc[${job}] compile from u${job}.c to u${job}.o`,
          `distcc[${job}] exec on distcc@${host}/4: x86_64-pc-linux-gnu-gcc -O2 -pipe -c src/u${job}.c -o src/u${job}.o`,
          `distcc[${job}] (dcc_compile_remote) No authentication requested.`,
          `distcc[${job}] cpp src/u${job}.c on localhost completed ok`,
          `distcc[${job}] 50029 bytes from src/u${job}.c compiled on ${host} in 0.6230s, rate 78kB/s`,
          `distcc[${job}] compile src/u${job}.c on distcc@${host}/4 completed ok`,
          `distcc[${job}] elapsed compilation time 0.701s`,
          `distcc[${job}] (dcc_exit) exit: code 0; self: 0.001 user 0.002 sys; children: 0.01 user 0.01 sys`,
        );
      }
    }
    if (lines.length > 0) appendFileSync(join(work, 'distcc.log'), `${lines.join('\n')}\n`);
  }, 100);
  return () => clearInterval(timer);
}

function measure(nodes, seconds, busy) {
  const work = mkdtempSync(join(tmpdir(), 'demerge-bench-'));
  for (const sub of ['distcc/state', 'distcc/lock']) mkdirSync(join(work, sub), { recursive: true });
  writeFileSync(join(work, 'emerge.log'), '');
  writeFileSync(join(work, 'distcc.log'), '');
  const stopBusy = busy ? busyBuild(work, nodes) : () => undefined;
  return new Promise((resolve, reject) => {
    const proc = spawn(process.execPath, [fileURLToPath(import.meta.url), '--child', String(nodes), String(seconds), work], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let out = '';
    proc.stdout.on('data', (d) => (out += d));
    proc.on('exit', (code) => {
      stopBusy();
      rmSync(work, { recursive: true, force: true });
      if (code === 0) resolve(JSON.parse(out));
      else reject(new Error(`child for ${nodes} nodes exited ${code}`));
    });
  });
}

async function main() {
  const seconds = Number(option('seconds', '60'));
  const sizes = option('nodes', '1,8,32').split(',').map(Number);
  const busy = process.argv.includes('--busy');
  const results = [];
  try {
    for (const nodes of sizes) {
      lab('up', String(nodes));
      results.push(await measure(nodes, seconds, busy));
    }
  } finally {
    lab('up', '3');
  }
  const pad = (v, w) => String(v).padStart(w);
  console.log(
    `dashboard cost over ${seconds} s at 1 Hz sampling (blessed screen 80x24 drawn into memory)${busy ? ", with a busy build's local files" : ', idle nodes'}`,
  );
  console.log(
    `${pad('nodes', 5)} ${pad('up', 3)} ${pad('CPU %core', 10)} ${pad('CPU ms', 8)} ${pad('peak RSS MiB', 13)} ${pad('samples/s', 10)} ${pad('screen B/s', 11)} ${pad('startup ms', 11)} ${pad('startup CPU ms', 15)}`,
  );
  for (const r of results) {
    const share = (r.cpuMs / r.wallMs) * 100;
    console.log(
      `${pad(r.nodes, 5)} ${pad(r.up, 3)} ${pad(share.toFixed(2), 10)} ${pad(r.cpuMs.toFixed(0), 8)} ${pad(Math.max(r.rssPeakMiB, r.maxRssMiB).toFixed(1), 13)} ${pad((r.samples / (r.wallMs / 1000)).toFixed(2), 10)} ${pad((r.screenBytes / (r.wallMs / 1000)).toFixed(0), 11)} ${pad(r.startupMs.toFixed(0), 11)} ${pad(r.startupCpuMs.toFixed(0), 15)}`,
    );
  }
  const last = results.find((r) => r.nodes === 32);
  if (last) {
    const share = (last.cpuMs / last.wallMs) * 100;
    const rss = Math.max(last.rssPeakMiB, last.maxRssMiB);
    console.log(
      `32 nodes: ${share.toFixed(2)}% of one core (goal < 5%: ${(share / 5).toFixed(2)}x of the budget), ${rss.toFixed(1)} MiB RSS (goal < 150 MiB: ${(rss / 150).toFixed(2)}x)`,
    );
  }
  const one = results.find((r) => r.nodes === 1);
  if (one && last)
    console.log(
      `32 vs 1 node: CPU ${(last.cpuMs / one.cpuMs).toFixed(1)}x, RSS ${(Math.max(last.rssPeakMiB, last.maxRssMiB) / Math.max(one.rssPeakMiB, one.maxRssMiB)).toFixed(2)}x`,
    );
}

if (process.argv[2] === '--child') await child(Number(process.argv[3]), Number(process.argv[4]), process.argv[5]);
else await main();
