import type { NodeConfig } from '../config/index.js';
import { formatHostList, type HostSpec } from '../hosts/index.js';
import * as msg from '../messages.js';
import { buildRunEnvironment } from '../run-env/environment.js';
import { computeMakeopts } from '../run-env/makeopts.js';
import { say, type RunState } from './run-state.js';

export function runEnvironment(state: RunState): void {
  const { ctx, args } = state;
  const config = state.config!;
  const live = state.live!;
  const transport = state.transport!;
  const distccHosts = formatDistccHosts(live, config.localSlots);
  const remoteSlots = live.reduce((sum, node) => sum + node.slots, 0);
  const makeopts = computeMakeopts({
    totalSlots: remoteSlots + config.localSlots,
    loadLimit: config.loadLimit,
    jobsOverride: args.makeJobs,
  });
  state.env = buildRunEnvironment(ctx.env, {
    distccHosts,
    distccSsh: transport.distccSsh,
    distccDir: state.distccDir!,
    distccLog: state.distccLog,
    makeopts,
    liftNetworkSandbox: transport.needsNetwork,
    flags: state.nativePlan?.env ?? {},
  });
  say(state, msg.nodesReady(live.length, config.nodes.length, remoteSlots));
  say(state, msg.runSummary(distccHosts, makeopts));
  const previous = ctx.env.MAKEOPTS;
  if (previous !== undefined && previous !== makeopts) say(state, msg.makeoptsReplaced(previous, makeopts));
  if (transport.needsNetwork) say(state, msg.networkSandboxLifted());
}

/** Nodes first, in configured order: distcc fills hosts early in the list before later ones. */
export function formatDistccHosts(nodes: readonly NodeConfig[], localSlots: number): string {
  const specs: HostSpec[] = nodes.map((node) => ({
    kind: 'ssh',
    user: node.user,
    host: node.host,
    limit: node.slots,
    ...(node.command === undefined ? {} : { command: node.command }),
    options: [...node.options],
  }));
  if (localSlots > 0) specs.push({ kind: 'localhost', limit: localSlots });
  return formatHostList({ entries: specs });
}
