import ora from 'ora';
import { nodeName } from '../checks/node-name.js';
import { probeNodes } from '../checks/probe-nodes.js';
import { DemergeError } from '../errors.js';
import * as msg from '../messages.js';
import { connectAuth } from '../ssh/auth.js';
import { say, type RunState } from './run-state.js';

// One round of parallel key logins; nodes that fail are left out with a one-line warning.
export async function verifyNodes(state: RunState): Promise<void | 'stop'> {
  const { ctx, args } = state;
  const config = state.config!;
  state.live = [];
  if (config.nodes.length === 0) return;
  let auth;
  try {
    auth = connectAuth(ctx, config);
  } catch (error) {
    if (!(error instanceof DemergeError) || args.strict) throw error;
    say(state, msg.warningLine(error.message, error.fix));
    return;
  }
  // ora loops forever clearing lines on a terminal that reports no width (a fresh pty).
  const animate = ctx.stderr.isTTY === true && (ctx.stderr.columns ?? 0) >= 20;
  const spinner = ora({ text: msg.probing(config.nodes.length), stream: ctx.stderr, isEnabled: animate });
  if (animate) spinner.start();
  const probes = await Promise.race([probeNodes(config.nodes, auth), state.relay.aborted.then(() => undefined)]);
  spinner.stop();
  if (probes === undefined) {
    state.outcome = { signal: state.relay.received ?? 'SIGINT' };
    return 'stop';
  }
  for (const probe of probes) if (!probe.ok) say(state, msg.nodeLeftOut(nodeName(probe.node), probe.detail));
  state.live = probes.filter((probe) => probe.ok).map((probe) => probe.node);
}
