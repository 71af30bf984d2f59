import type { NodeConfig } from '../config/types.js';
import { closeConnection, connect, SshFailure, type SshAuth, type SshFailureReason } from '../ssh/connect.js';

// Before a build: one key login per node, all at once, each bounded by the connect timeout, so
// the cost is one round of parallel probes rather than one per node in sequence.

export type NodeProbe =
  | { node: NodeConfig; ok: true; loginMs: number }
  | { node: NodeConfig; ok: false; reason: SshFailureReason; detail: string };

export async function probeNodes(nodes: readonly NodeConfig[], auth: SshAuth): Promise<NodeProbe[]> {
  return Promise.all(nodes.map((node) => probeNode(node, auth)));
}

async function probeNode(node: NodeConfig, auth: SshAuth): Promise<NodeProbe> {
  try {
    const connection = await connect({ host: node.host, port: node.port, user: node.user }, auth);
    closeConnection(connection);
    return { node, ok: true, loginMs: connection.loginMs };
  } catch (error) {
    if (error instanceof SshFailure) return { node, ok: false, reason: error.reason, detail: error.detail };
    return { node, ok: false, reason: 'error', detail: (error as Error).message };
  }
}
