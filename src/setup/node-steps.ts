import { DemergeError } from '../errors.js';
import * as msg from '../messages.js';
import { buildPublicKey } from './public-key.js';
import { nodeScript, setupNode } from './setup-node.js';
import { writeLine, type SetupState, type Step } from './setup-state.js';
import { nodeTargets } from './targets.js';

// `demerge setup node HOST...`, and the node part of `demerge setup`.

/** The nodes named on the command line, or every configured one; `command` names the sub-command when there is none. */
export function findNodeTargets(command: string): Step {
  return (state) => {
    const { options } = state.request;
    state.nodeTargets = nodeTargets(options.hosts, state.config!, options.admin, command);
  };
}

/** What every node gets: the build key's public half, its restrictions, the account's unlock. */
export function nodeSetupOptions(state: SetupState): void {
  const { ctx, request } = state;
  const { options } = request;
  const config = state.config!;
  state.nodeOptions = {
    key: buildPublicKey(ctx, config.key),
    restrict: options.restrict,
    ...(config.transport === 'tunnel' ? { entrancePort: config.entrancePort } : {}),
    ...(options.from === undefined ? {} : { from: options.from }),
    unlock: options.unlock,
    version: request.version!(),
  };
}

/** `--print`: the node scripts on stdout, for the admin to run by hand, and nothing else. */
export function printNodeScripts(state: SetupState): 'stop' | undefined {
  if (!state.request.options.print) return undefined;
  const { stdout } = state.ctx;
  for (const target of state.nodeTargets!) {
    writeLine(stdout, msg.printedScriptHeader(target.host, target.admin));
    stdout.write(nodeScript(target, state.nodeOptions!));
  }
  return 'stop';
}

/** The admin's own ssh, pointed at the build's known_hosts as well. */
export function adminSsh(state: SetupState): void {
  const { ctx, deps, request } = state;
  const config = state.config!;
  const ssh = deps.which('ssh');
  if (ssh === undefined) throw new DemergeError(...msg.sshMissing());
  state.adminSsh = {
    ssh,
    knownHosts: config.knownHosts,
    connectTimeout: config.connectTimeout,
    env: ctx.env,
    ...(request.options.adminKey === undefined ? {} : { identity: request.options.adminKey }),
  };
}

/** Every node at once, each reported when all are done. */
export async function setUpNodes(state: SetupState): Promise<void> {
  const { nodeOptions, adminSsh: ssh } = state;
  const reports = await Promise.all(state.nodeTargets!.map((target) => setupNode(target, nodeOptions!, ssh!, state.deps.runAdminScript)));
  state.reports.push(...reports);
}
