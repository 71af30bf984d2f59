import { existsSync } from 'node:fs';
import type { Context } from '../system/context.js';
import { NothingToWatchError } from '../errors.js';
import * as msg from '../messages.js';
import { isAlive, runDirBase } from '../run-env/run-dir.js';
import { connectAuth } from '../ssh/auth.js';
import { startCollectors } from './collect/collectors.js';
import { isDescendantOf } from './collect/process-tree.js';
import { renderStatusLine } from './render/status-line.js';
import { findRuns, pickRun, type FoundRun } from './run-info.js';
import { DashboardScreen } from './screen.js';
import { createRunState } from './state.js';
import { renderSummary, summarize } from './summary.js';
import { DashboardStore } from './store.js';
import { DashboardView } from './view.js';

// `demerge --dashboard[=PID]`: a second terminal watching a build that already runs under
// demerge. It reads the run's run.json, samples the nodes itself and reads the run's files;
// it never signals, writes to or waits on the build. It ends with `q`, or when the build does.

const STATUS_EVERY_MS = 5000;

export interface WatchOptions {
  /** The demerge process whose build to watch; the newest build when absent. */
  watchPid?: number;
}

export async function watchBuild(ctx: Context, options: WatchOptions): Promise<number> {
  const run = pickRun(findRuns(runDirBase(ctx.uid), { readFile: ctx.readFile, isAlive }), options.watchPid);
  if (run === undefined) throw new NothingToWatchError(...msg.noRunToWatch(options.watchPid));
  const { info } = run;
  const auth = connectAuth(ctx, { key: info.ssh.key, knownHosts: info.ssh.knownHosts, connectTimeout: info.ssh.connectTimeoutSeconds });
  const store = new DashboardStore(createRunState(info));
  const collectors = startCollectors(info, auth, store, { now: ctx.now, isOurEmerge: (pid) => isDescendantOf(pid, info.pid) });
  const output = ctx.stdout as NodeJS.WriteStream;
  // In the background (`demerge --dashboard &`) raw mode would get SIGTTOU: plain lines there.
  const screen = output.isTTY === true && ctx.env.TERM !== 'dumb' && ctx.inTerminalForeground();
  const input = screen ? ctx.terminalInput?.() : undefined;
  try {
    const ended = input === undefined ? await watchPlain(ctx, run, store) : await watchScreen(ctx, run, store, { input, output });
    if (ended) {
      await collectors.flush();
      ctx.stderr.write(`demerge: ${msg.watchedRunEnded()}\n${renderSummary(summarize(store.state, ctx.now()))}`);
    }
  } finally {
    collectors.stop();
  }
  return 0;
}

function runGone(run: FoundRun): boolean {
  return !isAlive(run.info.pid) || !existsSync(run.dir);
}

/** Status lines until the build ends; true when it did. */
function watchPlain(ctx: Context, run: FoundRun, store: DashboardStore): Promise<boolean> {
  ctx.stderr.write(`${msg.watchingRun(run.info.pid, run.dir)}\n`);
  return new Promise((resolve) => {
    const finish = (ended: boolean): void => {
      clearInterval(timer);
      for (const signal of SIGNALS) ctx.signals.off(signal, onSignal);
      resolve(ended);
    };
    const onSignal = (): void => finish(false);
    for (const signal of SIGNALS) ctx.signals.on(signal, onSignal);
    let last = ctx.now();
    const timer = setInterval(() => {
      if (runGone(run)) return finish(true);
      if (ctx.now() - last >= STATUS_EVERY_MS) {
        last = ctx.now();
        ctx.stderr.write(`${renderStatusLine(store.state, last)}\n`);
      }
    }, 500);
  });
}

const SIGNALS: readonly NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];

/** The dashboard until `q` or the build's end; true when the build ended. */
function watchScreen(ctx: Context, run: FoundRun, store: DashboardStore, terminal: { input: NodeJS.ReadStream; output: NodeJS.WriteStream }): Promise<boolean> {
  return new Promise((resolve) => {
    let done = false;
    const finish = (ended: boolean): void => {
      if (done) return;
      done = true;
      clearInterval(timer);
      for (const signal of SIGNALS) ctx.signals.off(signal, onSignal);
      view.stop();
      screen.destroy();
      resolve(ended);
    };
    const onSignal = (): void => finish(false);
    // Before blessed's own handlers, which would exit without restoring our state.
    for (const signal of SIGNALS) ctx.signals.on(signal, onSignal);
    const screen = new DashboardScreen(terminal);
    const view = new DashboardView({
      store,
      screen,
      readOnly: true,
      now: ctx.now,
      env: ctx.env,
      onAction: (action) => {
        if (action === 'quit') finish(false);
      },
    });
    view.start();
    terminal.input.resume();
    const timer = setInterval(() => {
      if (runGone(run)) finish(true);
    }, 1000);
  });
}
