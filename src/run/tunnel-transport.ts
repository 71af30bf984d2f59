import { nodeName } from '../checks/node-name.js';
import * as msg from '../messages.js';
import { RunTunnels } from '../transport/index.js';
import { localFallback } from './local-fallback.js';
import { say, type RunState } from './run-state.js';
import { sshForRun } from './ssh-for-run.js';

// demerge's default transport: one connection per node for the whole run, each with a distccd of
// this run on the node's loopback; DISTCC_SSH is a connector that reaches it from inside
// Portage's network sandbox, which therefore stays on.
export async function tunnelTransport(state: RunState): Promise<void | 'stop'> {
  const { ctx } = state;
  const config = state.config!;
  const runDir = state.runDir!;
  const ssh = sshForRun(state);
  const tunnels = new RunTunnels(
    state.live!,
    {
      runDir: runDir.path,
      runId: runDir.id,
      ssh,
      key: config.key,
      knownHosts: config.knownHosts,
      connectTimeout: config.connectTimeout,
      buildUser: state.buildUser,
      fileOwner: state.buildUser === undefined ? undefined : { uid: ctx.uid, gid: state.buildUser.gid },
      distccDir: state.distccDir!,
    },
    {
      lost: (node, detail) => say(state, msg.tunnelLost(nodeName(node), detail)),
      back: (node) => say(state, msg.tunnelBack(nodeName(node))),
    },
  );
  // Registered before anything is started: a signal or an error from here on still closes every
  // connection (and so every node's distccd) before the run directory goes.
  state.cleanups.push(() => tunnels.close());
  const results = await Promise.race([tunnels.open(), state.relay.aborted.then(() => undefined)]);
  if (results === undefined) {
    state.outcome = { signal: state.relay.received ?? 'SIGINT' };
    return 'stop';
  }
  for (const result of results) if (!result.ok) say(state, msg.nodeLeftOut(nodeName(result.node), result.cause));
  state.live = results.filter((result) => result.ok).map((result) => result.node);
  if (state.live.length === 0) return localFallback(state);
  state.transport = { distccSsh: tunnels.connector, needsNetwork: false };
}
