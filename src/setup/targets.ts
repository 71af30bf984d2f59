import type { HostArg } from './options.js';
import type { Config } from '../config/index.js';
import { NODE_DEFAULTS } from '../config/defaults.js';
import { nodeName } from '../checks/node-name.js';
import { DemergeError } from '../errors.js';
import * as msg from '../messages.js';
import type { NodeTarget } from './setup-node.js';
import type { TrustTarget } from './trust-hosts.js';

// Hosts named on the command line, completed from demerge.conf when the node is configured
// there (its port, build account and distccd path); with no host named, every configured node.

function hostArgs(hosts: readonly HostArg[], config: Config, command: string): HostArg[] {
  if (hosts.length > 0) return [...hosts];
  if (config.nodes.length === 0) throw new DemergeError(...msg.noSetupTargets(command));
  return config.nodes.map((node) => ({ host: node.host }));
}

export function nodeTargets(hosts: readonly HostArg[], config: Config, admin: string, command = 'setup node'): NodeTarget[] {
  return hostArgs(hosts, config, command).map((arg) => {
    const node = config.nodes.find((candidate) => candidate.host === arg.host);
    if (node?.user === 'root') throw new DemergeError(...msg.rootBuildAccount(nodeName(node)));
    return {
      host: arg.host,
      name: node === undefined ? arg.host : nodeName(node),
      user: node?.user ?? NODE_DEFAULTS.user,
      admin: arg.admin ?? admin,
      ...(node === undefined ? {} : { port: node.port }),
      ...(node?.command === undefined ? {} : { distccd: node.command }),
    };
  });
}

export function trustTargets(hosts: readonly HostArg[], config: Config, command = 'trust'): TrustTarget[] {
  return hostArgs(hosts, config, command).map((arg) => {
    const port = config.nodes.find((candidate) => candidate.host === arg.host)?.port ?? NODE_DEFAULTS.port;
    return { host: arg.host, port, name: nodeName({ host: arg.host, port }) };
  });
}
