import type { NodeConfig } from '../config/index.js';
import { formatHostList, type HostSpec } from '../hosts/index.js';

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
