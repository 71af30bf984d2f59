import ora from 'ora';
import { liveTerminal } from '../system/terminal.js';
import { startChecks } from '../checks/run-checks.js';
import type { Check } from '../checks/types.js';
import { isFrontEndBlocker } from '../checks/summary.js';
import { DemergeError } from '../errors.js';
import * as msg from '../messages.js';
import { localFallback } from './local-fallback.js';
import { endedBySignal, say, type Ended, type Loaded, type Verified } from './run-state.js';

// Before every build: the checks of --dry-check minus the slow trial compile, in one round of
// parallel probes (one connection and one exec per node, each bounded by the connect timeout).
// Nodes that fail are left out with one line each naming the node and the cause; a failure on
// the front end leaves them all out (or, with --strict, ends the run). With no node left, the
// build is local.
export async function verifyNodes(state: Loaded): Promise<Verified | Ended> {
  const { ctx, options, config } = state;
  if (config.nodes.length === 0) return localFallback(state);
  // Started in the background (`demerge a & demerge b &`), a spinner would draw over the
  // foreground job, and ora's stdin discarder (raw mode) would be a tcsetattr() from a
  // background process group: the kernel stops the run with SIGTTOU, for good. Keys typed
  // meanwhile stay in the terminal for emerge, as without demerge (Ctrl-C is still a signal).
  const animate = liveTerminal(ctx.stderr) && ctx.inTerminalForeground();
  const spinner = ora({ text: msg.probing(config.nodes.length), stream: ctx.stderr, isEnabled: animate, discardStdin: false });
  if (animate) spinner.start();
  const abort = new AbortController();
  const run = startChecks({ uid: ctx.uid, gid: ctx.gid, env: ctx.env }, config, {
    trial: false,
    ...state.portage,
    deferPortage: true,
    makeJobs: options.makeJobs,
    signal: abort.signal,
  });
  const report = await Promise.race([run.report, state.relay.aborted.then(() => undefined)]);
  spinner.stop();
  if (report === undefined) {
    abort.abort();
    return endedBySignal(state);
  }
  const localFailure = report.local.find(isFrontEndBlocker);
  if (localFailure !== undefined && options.strict) throw new DemergeError(localFailure.message, localFailure.fix ?? '');
  for (const check of report.local) if (check.verdict !== 'ok') say(state, warning(check));
  for (const node of report.nodes) {
    if (node.usable) {
      for (const check of node.checks) if (check.verdict === 'warn') say(state, warning(check));
      continue;
    }
    const cause = node.checks.find((check) => check.verdict === 'fail');
    say(state, cause === undefined ? msg.nodeLeftOut(node.name, msg.frontEndFailed()) : msg.nodeLeftOutBecause(node.name, cause.message, cause.fix ?? ''));
  }
  const live = report.nodes.filter((node) => node.usable).map((node) => node.node);
  if (live.length === 0) return localFallback(state);
  return { ...state, live, portageChecks: run.portage, agentKey: (await run.auth)?.agent };
}

function warning(check: Check): string {
  const fix = check.fix ?? '';
  return check.node === null ? msg.warningLine(check.message, fix) : msg.nodeWarningLine(check.node, check.message, fix);
}
