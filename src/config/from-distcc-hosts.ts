import { ConfigError, HostSpecError } from '../errors.js';
import { DEFAULT_LOCAL_SLOTS, parseHostList } from '../hosts/index.js';
import type { HostSpec } from '../hosts/index.js';
import * as say from '../messages/config.js';
import { checkConfigText } from './check-text.js';
import { defaultConfig, NODE_DEFAULTS } from './defaults.js';
import type { Config, NodeConfig } from './types.js';

// demerge always reaches nodes over ssh, so a TCP entry's distccd port means nothing
// here: it becomes an ssh node on port 22 as the recipe's `distcc` user, keeping its
// limit. Globals (--randomize, --localslots...) tune distcc, not the node list.
function toNode(spec: Exclude<HostSpec, { kind: 'localhost' }>): NodeConfig {
  const node: NodeConfig = {
    host: spec.host,
    user: (spec.kind === 'ssh' ? spec.user : undefined) ?? NODE_DEFAULTS.user,
    port: NODE_DEFAULTS.port,
    slots: spec.limit ?? NODE_DEFAULTS.slots,
    options: [...spec.options],
  };
  if (spec.kind === 'ssh' && spec.command !== undefined) node.command = spec.command;
  return node;
}

/** Builds a Config from distcc's hosts file (as `distcc-config --set-hosts` writes it). */
export function configFromDistccHosts(text: string, file: string, cpuCount: number): Config {
  checkConfigText(text, file);
  const config = defaultConfig({ kind: 'distcc-hosts', path: file }, cpuCount);
  // A list without localhost compiles nothing here (beyond distcc's own fallbacks).
  let localSlots: number | undefined;
  const seen = new Map<string, number>();
  // Words and comments never span a "\n", so parsing line by line gives exact line numbers.
  text.split('\n').forEach((line, i) => {
    let entries;
    try {
      entries = parseHostList(line).entries;
    } catch (error) {
      if (error instanceof HostSpecError) throw new ConfigError(file, i + 1, error.message, error.fix);
      throw error;
    }
    for (const entry of entries) {
      if (entry.kind === 'localhost') {
        // distcc locks local slots by the name "localhost", so repeated entries share them.
        localSlots = Math.max(localSlots ?? 0, entry.limit ?? DEFAULT_LOCAL_SLOTS);
      } else if (entry.kind === 'ssh' || entry.kind === 'tcp') {
        const node = toNode(entry);
        const id = `${node.host.toLowerCase()}:${node.port}`;
        const first = seen.get(id);
        if (first !== undefined) {
          throw new ConfigError(file, i + 1, ...say.hostsFileRepeat(node.host, first));
        }
        seen.set(id, i + 1);
        config.nodes.push(node);
      }
    }
  });
  config.localSlots = localSlots ?? 0;
  return config;
}
