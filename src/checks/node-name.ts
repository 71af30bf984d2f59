import type { NodeConfig } from '../config/types.js';

/** How a node is named to the user everywhere: host, with the port when it is not 22. */
export function nodeName(node: Pick<NodeConfig, 'host' | 'port'>): string {
  return node.port === 22 ? node.host : `${node.host}:${node.port}`;
}
