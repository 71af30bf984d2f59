import ora from 'ora';
import { nodeName } from '../checks/node-name.js';
import { probeNodes, type NodeProbe } from '../checks/probe-nodes.js';
import { loadConfig } from '../config/index.js';
import type { Config, NodeConfig } from '../config/types.js';
import { startEmerge, type EmergeOutcome } from '../emerge/launch.js';
import { DemergeError } from '../errors.js';
import { formatHostList } from '../hosts/index.js';
import type { HostSpec } from '../hosts/index.js';
import * as msg from '../messages.js';
import { clearBackoff, createDistccDir } from '../run-env/distcc-dir.js';
import { buildRunEnvironment } from '../run-env/environment.js';
import { computeMakeopts } from '../run-env/makeopts.js';
import { createRunDir } from '../run-env/run-dir.js';
import { unsafeSshPathReason } from '../run-env/ssh-wrapper.js';
import { writeRunFiles } from '../run-env/write-run-files.js';
import { connectAuth } from '../ssh/auth.js';
import { findAccount } from '../system/users.js';
import { which } from '../system/which.js';
import type { Args } from './args.js';
import type { Context } from './context.js';
import { SignalRelay } from './signal-relay.js';

// `demerge <emerge args>`: verify nodes, build the run's distcc environment, run emerge, clean up.

export async function build(ctx: Context, args: Args): Promise<EmergeOutcome> {
  const relay = new SignalRelay(ctx);
  try {
    const config = loadConfig({
      flags: args.config === undefined ? {} : { config: args.config },
      env: ctx.env,
      readFile: ctx.readFile,
      cpuCount: ctx.cpuCount,
    });
    const emerge = which(config.emerge, ctx.env.PATH);
    if (emerge === undefined) throw new DemergeError(...msg.emergeMissing(config.emerge), 127);

    const live = await liveNodes(ctx, config, args, relay);
    if (live === 'aborted') return { signal: relay.received ?? 'SIGINT' };
    if (live.length === 0) {
      if (args.strict) throw new DemergeError(...msg.noLiveNodeStrict());
      say(ctx, config.nodes.length === 0 ? msg.noNodesConfigured() : msg.noLiveNode());
      return await runEmerge(relay, emerge, args.emergeArgs, plainEnv(ctx.env));
    }
    return await buildWithNodes(ctx, config, args, live, emerge, relay);
  } finally {
    relay.dispose();
  }
}

async function liveNodes(ctx: Context, config: Config, args: Args, relay: SignalRelay): Promise<NodeConfig[] | 'aborted'> {
  if (config.nodes.length === 0) return [];
  let auth;
  try {
    auth = connectAuth(ctx, config);
  } catch (error) {
    if (!(error instanceof DemergeError) || args.strict) throw error;
    say(ctx, msg.errorLine(error.message, error.fix).replace(/^demerge: /, 'demerge: warning: '));
    return [];
  }
  // ora loops forever clearing lines on a terminal that reports no width (a fresh pty).
  const animate = ctx.stderr.isTTY === true && (ctx.stderr.columns ?? 0) >= 20;
  const spinner = ora({ text: msg.probing(config.nodes.length).replace(/^demerge: /, ''), stream: ctx.stderr, isEnabled: animate });
  if (spinner.isEnabled) spinner.start();
  const probes = await Promise.race([probeNodes(config.nodes, auth), relay.aborted.then(() => 'aborted' as const)]);
  spinner.stop();
  if (probes === 'aborted') return probes;
  for (const probe of probes) if (!probe.ok) say(ctx, msg.nodeLeftOut(nodeName(probe.node), describe(probe)));
  return probes.filter((probe) => probe.ok).map((probe) => probe.node);
}

function describe(probe: NodeProbe & { ok: false }): string {
  return probe.detail;
}

async function buildWithNodes(
  ctx: Context,
  config: Config,
  args: Args,
  live: NodeConfig[],
  emerge: string,
  relay: SignalRelay,
): Promise<EmergeOutcome> {
  const ssh = which('ssh', ctx.env.PATH);
  if (ssh === undefined) throw new DemergeError(...msg.sshMissing());
  for (const [what, path] of [['key', config.key], ['known_hosts', config.knownHosts]] as const) {
    const reason = unsafeSshPathReason(path);
    if (reason !== undefined) throw new DemergeError(...msg.unsafeSshPath(what, path, reason));
  }
  let owner: { uid: number; gid: number } | undefined;
  if (ctx.uid === 0) {
    const account = findAccount(config.buildUser);
    if (account === undefined) throw new DemergeError(...msg.buildUserMissing(config.buildUser));
    owner = { uid: account.uid, gid: account.gid };
  }
  const runDir = createRunDir(ctx.uid, { group: owner?.gid });
  try {
    const files = writeRunFiles(
      runDir.path,
      runDir.id,
      live,
      { ssh, key: config.key, knownHosts: config.knownHosts, connectTimeout: config.connectTimeout },
      owner === undefined ? undefined : { uid: ctx.uid, gid: owner.gid },
    );
    let distccDir = ctx.env.DISTCC_DIR;
    if (distccDir === undefined || distccDir === '') distccDir = createDistccDir(runDir.path, owner);
    else clearBackoff(distccDir, live.map((node) => node.host));
    const distccHosts = formatDistccHosts(live, config.localSlots);
    const remoteSlots = live.reduce((sum, node) => sum + node.slots, 0);
    const makeopts = computeMakeopts({
      totalSlots: remoteSlots + config.localSlots,
      loadLimit: config.loadLimit,
      jobsOverride: args.makeJobs,
    });
    const env = buildRunEnvironment(ctx.env, {
      distccHosts,
      distccSsh: files.wrapper,
      distccDir,
      makeopts,
      liftNetworkSandbox: true,
    });
    say(ctx, msg.nodesReady(live.length, config.nodes.length, remoteSlots));
    say(ctx, msg.runSummary(distccHosts, makeopts));
    const previous = ctx.env.MAKEOPTS;
    if (previous !== undefined && previous !== makeopts) say(ctx, msg.makeoptsReplaced(previous, makeopts));
    say(ctx, msg.networkSandboxLifted());
    return await runEmerge(relay, emerge, args.emergeArgs, env);
  } finally {
    runDir.remove();
  }
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

function runEmerge(relay: SignalRelay, program: string, args: readonly string[], env: Record<string, string>): Promise<EmergeOutcome> {
  const emerge = startEmerge(program, args, env);
  relay.attach(emerge);
  return emerge.outcome;
}

function plainEnv(env: Context['env']): Record<string, string> {
  return Object.fromEntries(Object.entries(env).filter((entry): entry is [string, string] => entry[1] !== undefined));
}

function say(ctx: Context, line: string): void {
  ctx.stderr.write(`${line}\n`);
}
