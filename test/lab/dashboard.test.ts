import { execFileSync } from 'node:child_process';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { execa } from 'execa';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startCollectors } from '../../src/dashboard/collect/collectors.js';
import type { RunInfo } from '../../src/dashboard/run-info.js';
import { DashboardScreen } from '../../src/dashboard/screen.js';
import { createDashboardState } from '../../src/dashboard/state.js';
import { DashboardStore } from '../../src/dashboard/store.js';
import { DashboardView } from '../../src/dashboard/view.js';
import { connectAuth } from '../../src/ssh/auth.js';
import {
  compilesByNode,
  DEMERGE,
  demerge,
  LAB_CONFIG,
  LAB_DIR,
  lab,
  nodeAddress,
  resetCompiles,
  ROOT,
  runDirsLeft,
  shellLine,
  sum,
  TRANSLATION_UNITS,
  waitFor,
  workspace,
  type Workspace,
} from './lab.js';
import { frame, runOf, watch } from './watch.js';

// Issue 5's checks against the real lab: the dashboard's collectors sample the real nodes
// over ssh and read a real build's distcc and Portage files; what they render is compared
// with the nodes' own process accounting and with distcc's own log.

/** Host table rows of a frame: name -> the columns after it. */
function hostColumns(text: string, host: string): string[] {
  const line = text.split('\n').find((l) => l.slice(2).startsWith(`${host} `));
  return line === undefined ? [] : line.slice(2).trim().split(/\s+/);
}

/** pids of the cc1 runs in node `i`'s own process accounting (dump-acct: ...|uid|gid|mem|io|pid|...). */
function acctCc1Pids(i: number): Set<number> {
  const text = execFileSync('dump-acct', [join(LAB_DIR, 'nodes', String(i), 'acct')], { encoding: 'utf8' });
  const pids = new Set<number>();
  for (const line of text.split('\n')) {
    const fields = line.split('|').map((f) => f.trim());
    if (fields[0] === 'cc1' || fields[0] === 'cc1plus') pids.add(Number(fields[9]));
  }
  return pids;
}

/** Fallbacks as distcc's log tells them, counted here independently of the dashboard's parser:
 * client processes whose compile ended on localhost after an attempt on a remote host. */
function fallbacksInLog(text: string): number {
  const tried = new Map<string, boolean>();
  let count = 0;
  for (const line of text.split('\n')) {
    const match = /^distcc\[(\d+)\] (.*)$/.exec(line);
    if (!match) continue;
    const [, pid, message] = match as unknown as [string, string, string];
    if (message.startsWith('compile from ')) tried.set(pid, false);
    const exec = /^exec on (\S+): /.exec(message);
    if (exec && exec[1] !== 'localhost') tried.set(pid, true);
    if (/^compile \S+ on localhost completed ok$/.test(message) && tried.get(pid) === true) count++;
    if (message.startsWith('(dcc_exit) exit:')) tried.delete(pid);
  }
  return count;
}

// Every escape sequence a terminal would obey in `text`, without its ESC.
function escapes(text: string): string[] {
  return [...text.matchAll(/\x1b(\[[0-9;?>!]*[ -/]*[@-~]|[\]PX^_][^\x07\x1b]*(\x07|\x1b\\)?|[()#][0-9A-Za-z]|[=>78cDEHMZ])/g)].map((m) => m[1] as string);
}

/** Client processes that started a compile on `host` and did not complete it there. */
function failedOn(text: string, host: string): number {
  const started = new Set<string>();
  let failed = 0;
  for (const line of text.split('\n')) {
    const match = /^distcc\[(\d+)\] (.*)$/.exec(line);
    if (!match) continue;
    const [, pid, message] = match as unknown as [string, string, string];
    const exec = /^exec on (\S+): /.exec(message);
    if (exec) {
      if (started.delete(pid)) failed++;
      if (exec[1]?.includes(`@${host}/`)) started.add(pid);
    }
    if (/^compile \S+ on \S+ completed ok$/.test(message)) started.delete(pid);
  }
  return failed;
}

/** The summary's "Fallbacks to local compiles: N" (absent when there were none). */
function summaryFallbacks(stderr: string): number {
  const match = /Fallbacks to local compiles: (\d+)/.exec(stderr);
  return match ? Number(match[1]) : 0;
}

function summaryJobs(stderr: string, host: string): number | undefined {
  const line = stderr.split('\n').find((l) => l.startsWith(`${host} `));
  return line === undefined ? undefined : Number(line.trim().split(/\s+/)[1]);
}

describe('the dashboard on the lab', () => {
  let ws: Workspace;
  beforeAll(async () => {
    await lab('status');
  });
  beforeEach(async () => {
    ws = workspace();
    await resetCompiles();
  });

  it('lists compilers under the node that runs them, and counts what the nodes counted', async () => {
    const run = demerge(['--no-dashboard', '--oneshot', 'dev-util/hello'], ws);
    const { info } = await runOf(run.pid as number);
    // Sampling five times a second sees more of the short compilers than once a second.
    const watcher = watch(info, { sampleIntervalMs: 200 });
    const seen: Array<{ node: number; pid: number; compiler: string }> = [];
    let frames = 0;
    const ticker = setInterval(() => {
      const text = frame(watcher.store.state);
      frames++;
      // Work rows: HOST FILE PACKAGE PHASE AGE PID TIME CPU% RSS COMPILER JOIN; a compiler row has a pid.
      for (const line of text.split('\n')) {
        const match = /^ (198\.18\.(\d+)\.2) +\S+ +(?:\S+ +)?\S+ +(?:[\d.]+[smh] +)?(\d+) +\d+:\d\d +[\d.]+ +\S+ +(cc1\S*)(?: +by order)?$/.exec(line);
        if (match) seen.push({ node: Number(match[2]), pid: Number(match[3]), compiler: match[4] as string });
      }
    }, 100);
    const result = await run;
    clearInterval(ticker);
    await watcher.stop();
    expect(result.exitCode, result.all).toBe(0);
    const counts = await compilesByNode();
    const last = frame(watcher.store.state);
    rmSync(watcher.log, { force: true });
    expect(frames).toBeGreaterThan(10);
    // The screen shows compilers, each under the node whose own accounting has that cc1 run.
    expect(seen.length, last).toBeGreaterThan(0);
    const acct = new Map([1, 2, 3].map((i) => [i, acctCc1Pids(i)]));
    for (const sighting of seen) expect(acct.get(sighting.node)?.has(sighting.pid), JSON.stringify(sighting)).toBe(true);
    // DONE per node, on the screen and in the summary, is what the node itself counted.
    expect(sum(counts.values())).toBeGreaterThanOrEqual(TRANSLATION_UNITS * 0.8);
    for (const [i, count] of counts) {
      expect(hostColumns(last, nodeAddress(i))[5], `${last}\nnode ${i}`).toBe(String(count));
      expect(summaryJobs(result.stderr, nodeAddress(i)), result.stderr).toBe(count);
    }
    expect(result.stderr).toContain('demerge run summary');
  });

  it("joins each long compile's row to its source file, node and a compiler pid on that node", async () => {
    // dev-util/slow's units take about half a second each to compile; sampled five times a
    // second, a compile is seen in two or more samples. Each joined row of the frame is checked
    // at once on the node it names: the pid is a compiler of the distcc user there, and the
    // preprocessed input it compiles (distccd's temp file, named in its argv) starts with the
    // client's line marker for the source file the row names.
    const run = demerge(['--no-dashboard', '--oneshot', 'dev-util/slow'], ws);
    const { info } = await runOf(run.pid as number);
    const watcher = watch(info, { sampleIntervalMs: 200 });
    const checked = new Set<string>();
    const verdicts: Array<{ node: number; pid: number; file: string; byOrder: boolean; alive: boolean; input: string; compilers: string; seenBy: string }> = [];
    let busy = false;
    const ticker = setInterval(() => {
      if (busy) return;
      const text = frame(watcher.store.state, 160, 60);
      const rows = text
        .split('\n')
        .map((line) => /^ 198\.18\.(\d+)\.2 +(u\d{3}\.c) +dev-util\/slow-1\.0 +compile +\S+ +(\d+) +\d+:\d\d +[\d.]+ +\S+ +(cc1\S*)( +by order)?$/.exec(line))
        .filter((m): m is RegExpExecArray => m !== null)
        .filter((m) => !checked.has(`${m[1]}/${m[3]}`));
      const row = rows[0];
      if (row === undefined) return;
      const [, node, file, pid, , byOrder] = row as unknown as [string, string, string, string, string, string | undefined];
      checked.add(`${node}/${pid}`);
      // What the join had, for the failure message: the node's jobs and compiles as sampled.
      const st = watcher.store.state;
      const host = nodeAddress(Number(node));
      const nodeState = st.nodes.find((n) => n.name === host);
      const seenBy = JSON.stringify({
        jobsAt: st.jobsUpdatedAt,
        sampledAt: nodeState?.sampledAt,
        jobs: st.jobs.filter((j) => j.host === host || j.file === file).map((j) => [j.file, j.pid, j.host, j.phase, j.sinceMs, j.mtimeMs]),
        compiles: nodeState?.compiles.map((c) => [c.pid, c.shown.pid, c.startedAt, c.elapsedSeconds, c.finished]),
        gone: nodeState?.goneCompiles,
      });
      busy = true;
      const script = `ps -o pid=,comm= -u distcc; echo @@; for a in $(tr '\\0' ' ' < /proc/${pid}/cmdline 2>/dev/null); do case "$a" in *.i) head -c 300 "$a" 2>/dev/null;; esac; done`;
      lab('exec', node, 'sh', '-c', script)
        .then((out) => {
          const [compilers = '', input = ''] = out.split('@@');
          const alive = compilers.split('\n').some((l) => l.trim().split(/\s+/)[0] === pid && /cc1/.test(l));
          verdicts.push({ node: Number(node), pid: Number(pid), file, byOrder: byOrder !== undefined, alive, input, compilers, seenBy });
        })
        .catch(() => undefined)
        .finally(() => {
          busy = false;
        });
    }, 100);
    const result = await run;
    clearInterval(ticker);
    await waitFor(() => !busy, 10_000, 'the last check');
    await watcher.stop();
    rmSync(watcher.log, { force: true });
    expect(result.exitCode, result.all).toBe(0);
    // Rows whose compiler was still running when checked: the node's own view of it.
    const live = verdicts.filter((v) => v.alive && v.input.includes('# '));
    const report = JSON.stringify(verdicts.map(({ compilers: _c, seenBy: _s, input, ...v }) => ({ ...v, input: input.slice(0, 80) })));
    expect(live.length, report).toBeGreaterThanOrEqual(3);
    const certain = live.filter((v) => !v.byOrder);
    console.log(
      `join: ${live.length} live rows checked, ${certain.length} certain, ${live.filter((v) => v.input.includes(v.file)).length} naming the right file`,
    );
    for (const v of live) {
      const names = v.input.includes(`/${v.file}"`) || v.input.includes(`"${v.file}"`);
      // A row the dashboard matched by order only may be off; a certain one may not.
      if (!v.byOrder) expect(names, JSON.stringify(v)).toBe(true);
    }
    expect(live.filter((v) => v.input.includes(v.file)).length, report).toBeGreaterThanOrEqual(Math.ceil(live.length * 0.8));
  });

  describe("with one node's sshd killed mid-build", () => {
    afterAll(async () => {
      await lab('heal', '2', 'sshd');
    });

    it('shows the node down within 3 s, the build succeeds, and the fallbacks match distcc’s log', async () => {
      // With localhost in DISTCC_HOSTS a job that fails on node 2 may fall back to a local
      // compile; without it (the lab's default) it can only move to another node.
      const config = join(ws.dir, 'demerge.conf');
      writeFileSync(config, readFileSync(LAB_CONFIG, 'utf8').replace(/^local_slots = \d+$/m, 'local_slots = 2'));
      const run = demerge([`--config=${config}`, '--no-dashboard', '--oneshot', 'dev-util/hello'], ws);
      const { info } = await runOf(run.pid as number);
      const watcher = watch(info);
      const node2 = nodeAddress(2);
      // Wait until node 2 is sampled and has work of the build, then cut it off.
      await waitFor(
        () => {
          const s = watcher.store.state;
          return s.nodes.find((n) => n.name === node2)?.status === 'up' && s.jobs.some((j) => j.host === node2);
        },
        60_000,
        'a job on node 2',
      );
      await lab('fault', '2', 'sshd');
      await lab('exec', '2', 'pkill', '-f', 'sshd: distcc');
      const cut = Date.now();
      const down = await waitFor(
        () => {
          const row = hostColumns(frame(watcher.store.state), node2);
          return row[1] === 'unreachable' ? Date.now() : undefined;
        },
        10_000,
        'node 2 shown unreachable',
      );
      expect(down - cut).toBeLessThanOrEqual(3000);
      const result = await run;
      await watcher.stop();
      const log = readFileSync(watcher.log, 'utf8');
      rmSync(watcher.log, { force: true });
      expect(result.exitCode, result.all).toBe(0);
      const fromLog = fallbacksInLog(log);
      // Jobs were on their way to node 2 when it went: they failed there.
      expect(failedOn(log, node2), log.slice(-3000)).toBeGreaterThan(0);
      expect(summaryFallbacks(result.stderr), `${result.stderr}\n${log.slice(-3000)}`).toBe(fromLog);
      expect(watcher.store.state.distcc.fallbacks).toBe(fromLog);
    });
  });

  describe('a hostile process name on a node', () => {
    // bash $'...' text: an OSC title change, an OSC 52 clipboard write, a window move, a DCS.
    const HOSTILE = String.raw`\e]0;pwned\a\e]52;c;cHduZWQ=\a\e[3;1t\ePpwned\e\\`;
    // Short enough to stay whole in comm (15 bytes).
    const SHORT = String.raw`\e]0;pwned\a`;
    afterAll(async () => {
      await lab('exec', '1', 'bash', '-c', 'pkill -u distcc -f "x\\.c 60"; true');
    });

    it('cannot change the terminal', async () => {
      // A symlink whose name holds the escapes, run as distcc: comm and argv[0] carry them.
      const script = `H=$'${HOSTILE}'; C=$'${SHORT}'; ln -sf /bin/sleep "/tmp/\${C}cc1"; setsid -f setpriv --reuid distcc --regid daemon --clear-groups bash -c "exec -a \\"\${H}cc1 /tmp/\${H}x.c\\" \\"/tmp/\${C}cc1\\" 60" </dev/null >/dev/null 2>&1`;
      await lab('exec', '1', 'bash', '-c', script);
      const info: RunInfo = {
        version: 1,
        pid: process.pid,
        startedAt: Date.now(),
        nodes: [{ host: nodeAddress(1), port: 22, user: 'distcc', slots: 2 }],
        localSlots: 0,
        distccDir: join(ws.dir, 'distcc'),
        emergeLog: { path: join(ws.dir, 'emerge.log'), offset: 0 },
        ssh: { key: join(LAB_DIR, 'frontend/id_ed25519'), knownHosts: join(LAB_DIR, 'frontend/known_hosts'), connectTimeoutSeconds: 5 },
        sampleIntervalMs: 500,
        backoffPeriodMs: 60_000,
      };
      const store = new DashboardStore(createDashboardState({ startedAt: info.startedAt, nodes: [{ name: nodeAddress(1), slots: 2 }] }));
      const auth = connectAuth(
        { readBinary: (p) => readFileSync(p), readFile: (p) => readFileSync(p, 'utf8') },
        { key: info.ssh.key, knownHosts: info.ssh.knownHosts, connectTimeout: 5 },
      );
      const collectors = startCollectors(info, auth, store);
      const hostile = await waitFor(() => store.state.nodes[0]?.processes.find((p) => p.args.includes('x.c')), 20_000, 'the hostile process');
      collectors.stop();
      // No control character survives on the way in (procps shows them as "?", and the parser
      // strips whatever is left), so what is drawn is text, however odd.
      expect(`${hostile.comm} ${hostile.args}`, JSON.stringify(hostile)).not.toMatch(/[\x00-\x1f\x7f-\x9f]/);
      expect(hostile.args).toContain('x.c 60');
      const input = Object.assign(new PassThrough(), { isTTY: true, isRaw: false, setRawMode: () => input });
      const output = Object.assign(new PassThrough(), { isTTY: true, columns: 100, rows: 30 });
      let bytes = '';
      output.on('data', (chunk: Buffer) => {
        bytes += chunk.toString('utf8');
      });
      const screen = new DashboardScreen({ input, output, terminal: 'xterm-256color' });
      const view = new DashboardView({ store, screen, readOnly: true, onAction: () => undefined });
      view.start();
      view.ui = { ...view.ui, view: 'detail' };
      view.draw();
      view.stop();
      screen.destroy();
      await new Promise((r) => setTimeout(r, 50));
      // The process is listed, its name drawn as inert text.
      expect(bytes).toContain('52;c;cHduZWQ=');
      // Nothing but blessed's own sequences: cursor, erase, scroll region, modes, colours.
      expect(bytes).not.toMatch(/[\x07\u0080-\u009f\ufffd]/);
      for (const sequence of escapes(bytes)) expect(sequence, JSON.stringify(sequence)).toMatch(/^(\[[0-9;?]*[mHrhlJKCDABGdXLPf@]|[78=>]|\([0B]|\)0)$/);
    });
  });

  it('runs a build under a terminal with the dashboard and gives the terminal back', async () => {
    const result = await execa('script', ['-qfec', `stty rows 24 cols 80; ${DEMERGE} --oneshot dev-util/hello`, '/dev/null'], {
      env: { ...ws.env, TERM: 'xterm-256color' },
      extendEnv: false,
      reject: false,
      input: '',
    });
    expect(result.exitCode, result.stdout).toBe(0);
    const out = result.stdout;
    // The dashboard came up once building started, left the alternate screen, and emerge's
    // own coloured output followed, then the summary.
    expect(out).toContain('\x1b[?1049h');
    const left = out.lastIndexOf('\x1b[?1049l');
    expect(left).toBeGreaterThan(out.indexOf('\x1b[?1049h'));
    expect(out.slice(left)).toMatch(/\x1b\[3\dm/);
    expect(out.slice(left)).toContain('Completed');
    expect(out.slice(left)).toContain('demerge run summary');
    expect(out).toMatch(/\x1b\[\?25h/);
    expect(runDirsLeft()).toEqual([]);
  });

  // Ctrl-Z, `bg`, later `fg`, as in any shell: in the background the build goes on (a raw-mode
  // call or a read of the terminal there would stop demerge again, emerge with it), and `fg`,
  // which sends a running job no SIGCONT, brings the dashboard back.
  it('keeps building after Ctrl-Z and bg, and fg brings the dashboard back', async () => {
    const driver = join(ROOT, 'test/fixtures/job-control.py');
    const result = await execa('/usr/bin/python3', [driver, shellLine(ws, ['--oneshot', 'dev-util/slow'])], {
      env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: process.env.HOME ?? '/root', TERM: 'xterm-256color' },
      extendEnv: false,
      reject: false,
    });
    const seen = JSON.parse(result.stdout || '{}') as Record<string, unknown>;
    const why = JSON.stringify(seen);
    expect(seen.dashboard, why).toBe(true);
    expect(seen.suspended, why).toBe(true);
    expect(seen.afterBg, why).toBe('Running');
    expect(seen.later, why).toBe('Running');
    expect(seen.dashboardBack, why).toBe(true);
    expect(seen.ended, why).toBe(true);
    expect(seen.summary, why).toBe(true);
    expect(seen.status, why).toBe(0);
    expect(runDirsLeft()).toEqual([]);
  });

  it('watches a running build from another terminal and quits with q, the build untouched', async () => {
    const run = demerge(['--no-dashboard', 'dev-util/slow'], ws);
    const { info } = await runOf(run.pid as number);
    const viewer = execa('script', ['-qfec', `stty rows 24 cols 80; ${DEMERGE} --dashboard=${info.pid}`, '/dev/null'], {
      env: { ...ws.env, TERM: 'xterm-256color' },
      extendEnv: false,
      reject: false,
    });
    let out = '';
    viewer.stdout?.on('data', (chunk: Buffer) => {
      out += chunk.toString('utf8');
    });
    await waitFor(() => out.includes('nodes up'), 20_000, 'the viewer to draw');
    viewer.stdin?.write('q');
    const result = await viewer;
    expect(result.exitCode, out).toBe(0);
    expect(out).toContain('viewer');
    expect(out.endsWith('\x1b[?1049l') || out.includes('\x1b[?1049l')).toBe(true);
    // The build went on regardless; stop it the usual way.
    expect(run.exitCode).toBeNull();
    run.kill('SIGTERM');
    const build = await run;
    expect(build.exitCode ?? 143).toBe(143);
    expect(runDirsLeft()).toEqual([]);
  });
});
