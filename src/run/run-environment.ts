import * as msg from '../messages.js';
import { formatDistccHosts } from '../run-env/distcc-hosts.js';
import { buildRunEnvironment } from '../run-env/environment.js';
import { computeMakeopts } from '../run-env/makeopts.js';
import { say, type Logged, type Ready } from './run-state.js';

export function runEnvironment(state: Logged): Ready {
  const { ctx, options, config, live, transport } = state;
  const distccHosts = formatDistccHosts(live, config.localSlots);
  const remoteSlots = live.reduce((sum, node) => sum + node.slots, 0);
  const makeopts = computeMakeopts({
    totalSlots: remoteSlots + config.localSlots,
    loadLimit: config.loadLimit,
    jobsOverride: options.makeJobs,
  });
  const env = buildRunEnvironment(ctx.env, {
    distccHosts,
    distccSsh: transport.distccSsh,
    distccDir: state.distccDir,
    distccLog: state.distccLog,
    makeopts,
    liftNetworkSandbox: transport.needsNetwork,
    flags: state.nativePlan.env,
  });
  say(state, msg.nodesReady(live.length, config.nodes.length, remoteSlots));
  say(state, msg.runSummary(distccHosts, makeopts));
  const previous = ctx.env.MAKEOPTS;
  if (previous !== undefined && previous !== makeopts) say(state, msg.makeoptsReplaced(previous, makeopts));
  if (transport.needsNetwork) say(state, msg.networkSandboxLifted());
  return { ...state, env };
}
