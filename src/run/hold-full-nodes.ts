import { diskFullReason } from '../messages.js';
import { isDiskFull, type DashboardState } from '../dashboard/state.js';
import type { DashboardStore } from '../dashboard/store.js';

// A node whose disk is full still answers, so distcc keeps sending it jobs: each one fails
// there and is compiled again locally, paying the trip for nothing. The dashboard's sampler
// sees the free space; while it is short, the node is held out of the connector, and it gets
// jobs again once there is room.

export function holdFullNodes(store: DashboardStore, hold: (host: string, held: boolean, reason: string) => void): () => void {
  const held = new Set<string>();
  const check = (state: DashboardState): void => {
    for (const node of state.nodes) {
      if (node.tmpFreeKiB === undefined) continue;
      const full = isDiskFull(node);
      if (full === held.has(node.name)) continue;
      if (full) held.add(node.name);
      else held.delete(node.name);
      hold(node.name, full, diskFullReason());
    }
  };
  return store.subscribe(check);
}
