import { statSync } from 'node:fs';
import { startCollectors } from '../dashboard/collect/collectors.js';
import { isDescendantOf } from '../dashboard/collect/process-tree.js';
import { renderStatusLine } from '../dashboard/render/status-line.js';
import { writeRunInfo, type RunInfo } from '../dashboard/run-info.js';
import { buildHasStarted, createRunState } from '../dashboard/state.js';
import { renderSummary, summarize } from '../dashboard/summary.js';
import { DashboardStore } from '../dashboard/store.js';
import { startEmerge, startEmergeInPty, type EmergeOutcome } from '../emerge/launch.js';
import * as msg from '../messages.js';
import { emergeLogPath } from '../portage/index.js';
import { connectAuth } from '../ssh/auth.js';
import type { SshAuth } from '../ssh/connect.js';
import { which } from '../system/which.js';
import { holdFullNodes } from './hold-full-nodes.js';
import { recordRun } from './record-run.js';
import { PtySession, type Terminal } from './dashboard-pty.js';
import { say, type Ready } from './run-state.js';

// emerge with the run watched: collectors sample the nodes and read distcc's and Portage's
// files from the start; on a terminal the dashboard shows them once building starts,
// otherwise (or with --no-dashboard) emerge keeps the terminal exactly as before and a status
// line comes every few seconds. Either way the summary follows emerge's end on stderr.

const DEFAULT_SAMPLE_INTERVAL_MS = 1000;
const STATUS_EVERY_MS = 5000;
const DEFAULT_BACKOFF_SECONDS = 60;

function sizeOf(path: string): number {
  try {
    return statSync(path).size;
  } catch {
    return 0;
  }
}

// distcc reads DISTCC_BACKOFF_PERIOD with atoi (backoff.c).
function backoffSeconds(value: string | undefined): number {
  if (value === undefined || !/^\s*[0-9]+/.test(value)) return DEFAULT_BACKOFF_SECONDS;
  return Number.parseInt(value, 10);
}

function runInfoOf(state: Ready, startedAt: number): RunInfo {
  const { config, env } = state;
  const emergeLog = emergeLogPath(state.portageFacts);
  const info: RunInfo = {
    version: 1,
    pid: process.pid,
    startedAt,
    nodes: state.live.map((node) => ({ host: node.host, port: node.port, user: node.user, slots: node.slots })),
    localSlots: config.localSlots,
    distccDir: state.distccDir,
    emergeLog: { path: emergeLog, offset: sizeOf(emergeLog) },
    ssh: { key: config.key, knownHosts: config.knownHosts, connectTimeoutSeconds: config.connectTimeout },
    sampleIntervalMs: state.options.sampleIntervalMs ?? DEFAULT_SAMPLE_INTERVAL_MS,
    backoffPeriodMs: backoffSeconds(env.DISTCC_BACKOFF_PERIOD) * 1000,
  };
  if (state.distccLog !== undefined) info.distccLog = { path: state.distccLog, offset: sizeOf(state.distccLog) };
  if (state.packageLogs !== undefined) info.packageLogs = { dir: state.packageLogs.dir };
  // From its start: what happened to the connections before emerge began belongs to the run.
  if (state.transport.nodeEvents !== undefined) info.nodeEvents = { path: state.transport.nodeEvents, offset: 0 };
  return info;
}

/** The terminal for a dashboard, or undefined when emerge keeps plain stdio. */
function dashboardTerminal(state: Ready): Terminal | undefined {
  const { ctx } = state;
  const output = ctx.stdout as NodeJS.WriteStream;
  if (state.options.noDashboard || output.isTTY !== true) return undefined;
  const term = ctx.env.TERM;
  if (term === undefined || term === '' || term === 'dumb') return undefined;
  // Started in the background (`demerge ... &`): the terminal is someone else's.
  if (!ctx.inTerminalForeground()) return undefined;
  const input = ctx.terminalInput?.();
  return input === undefined ? undefined : { input, output, inForeground: ctx.inTerminalForeground };
}

// /usr/bin/python3 first: a PATH python (pyenv shims, virtualenvs) may be slow or odd.
function findPython(env: Record<string, string | undefined>): string | undefined {
  return which('/usr/bin/python3', undefined) ?? which('python3', env.PATH);
}

function authFor(state: Ready): SshAuth | undefined {
  try {
    return connectAuth(state.ctx, state.config);
  } catch {
    // The checks just logged in with the same key; a failure now only costs the sampling.
    return undefined;
  }
}

async function runPlain(state: Ready, store: DashboardStore): Promise<EmergeOutcome> {
  const command = state.emergeCommand;
  const emerge = startEmerge(command.program, command.args, state.env);
  state.relay.attach(emerge);
  const timer = setInterval(() => {
    if (buildHasStarted(store.state)) say(state, renderStatusLine(store.state, state.ctx.now()));
  }, STATUS_EVERY_MS);
  try {
    return await emerge.outcome;
  } finally {
    clearInterval(timer);
  }
}

async function runInPty(state: Ready, store: DashboardStore, terminal: Terminal, python: string): Promise<EmergeOutcome> {
  const size = { rows: terminal.output.rows, columns: terminal.output.columns };
  const command = state.emergeCommand;
  const emerge = startEmergeInPty(python, command.program, command.args, state.env, size);
  // emerge has a terminal of its own: a SIGINT or SIGQUIT sent to demerge (typed keys reach
  // emerge through its terminal) would be lost unless the relay forwards it.
  state.relay.attach(emerge, { ownTerminal: true });
  const session = new PtySession(terminal, emerge, store, state.ctx.env);
  session.start();
  state.screen.taken = true;
  try {
    return await emerge.outcome;
  } finally {
    await session.end();
    state.screen.taken = false;
  }
}

function within<T>(promise: Promise<T>, ms: number): Promise<T | undefined> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(undefined), ms);
    promise.then(
      (value) => {
        clearTimeout(timer);
        resolve(value);
      },
      () => {
        clearTimeout(timer);
        resolve(undefined);
      },
    );
  });
}

export async function runWatched(state: Ready): Promise<EmergeOutcome> {
  const { ctx } = state;
  const startedAt = ctx.now();
  const info = runInfoOf(state, startedAt);
  writeRunInfo(state.runDir.path, info);
  const store = new DashboardStore(createRunState(info));
  const collectors = startCollectors(info, authFor(state), store, { now: ctx.now, isOurEmerge: (pid) => isDescendantOf(pid, process.pid) });
  const { holdNode } = state.transport;
  const stopHolding = holdNode === undefined ? undefined : holdFullNodes(store, holdNode);
  let outcome: EmergeOutcome;
  try {
    let terminal = dashboardTerminal(state);
    const python = terminal === undefined ? undefined : findPython(ctx.env);
    if (terminal !== undefined && python === undefined) {
      say(state, msg.dashboardNeedsPython());
      terminal = undefined;
    }
    outcome = terminal === undefined || python === undefined ? await runPlain(state, store) : await runInPty(state, store, terminal, python);
  } finally {
    // The last lines distcc and Portage wrote belong in the summary.
    await within(collectors.flush(), 2000);
    collectors.stop();
    stopHolding?.();
  }
  const summary = summarize(store.state, ctx.now());
  ctx.stderr.write(renderSummary(summary));
  await recordRun(state, summary, outcome);
  return outcome;
}
