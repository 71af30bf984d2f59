import { renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { nodeName } from '../checks/node-name.js';
import type { NodeConfig } from '../config/types.js';
import { DemergeError } from '../errors.js';
import * as msg from '../messages.js';
import { recordRunProcess } from '../run-env/run-processes.js';
import { RunTunnels, type RelayInterpreter, type SharedSlots, type TunnelEvent } from '../transport/index.js';
import { which } from '../system/which.js';
import { localFallback } from './local-fallback.js';
import { createNodeEventLog } from './node-event-log.js';
import { SHARED_SLOTS_FILE } from '../dashboard/parse/shared-slots.js';
import { endedBySignal, say, type Bridged, type Connected, type Ended } from './run-state.js';
import { sshForRun } from './ssh-for-run.js';

// demerge's default transport: one connection per node for the whole run, each a run's session
// with the node's shared service (a distccd nobody else on the node can reach, and the node-wide
// slot limit); DISTCC_SSH is a connector that reaches it from inside Portage's network sandbox,
// which therefore stays on.
export async function tunnelTransport(state: Bridged): Promise<Connected | Ended> {
  const { ctx, config, runDir, buildUser } = state;
  const ssh = sshForRun(state);
  const relay = relayInterpreter(ctx.env.PATH);
  const events = createNodeEventLog(runDir.path);
  const shared = sharedSlotsFile(runDir.path);
  let distccDir: string | undefined;
  const tunnels = new RunTunnels(
    state.live,
    {
      runDir: runDir.path,
      runId: runDir.id,
      ssh,
      relay,
      key: config.key,
      knownHosts: config.knownHosts,
      connectTimeout: config.connectTimeout,
      agent: state.agent,
      buildUser,
      fileOwner: buildUser === undefined ? undefined : { uid: ctx.uid, gid: buildUser.gid },
      // Decided once Portage has answered (make.conf may name it), before any job can need it;
      // until then there is no backoff mark to clear.
      distccDir: () => distccDir,
      recordProcess: (pid) => recordRunProcess(runDir.path, pid),
      onShared: (node, slots) => shared.write(node, slots),
    },
    (event) => {
      events.write({ at: ctx.now(), node: event.node.host, kind: event.kind, cause: event.cause });
      // The dashboard shows the news itself; a line on its screen would only garble it.
      if (!state.screen.taken) say(state, tunnelEventLine(nodeName(event.node), event));
    },
  );
  // Registered before anything is started: a signal or an error from here on still closes every
  // connection (and so every node's distccd) before the run directory goes.
  state.cleanups.push(() => tunnels.close());
  const results = await Promise.race([tunnels.open(), state.relay.aborted.then(() => undefined)]);
  if (results === undefined) return endedBySignal(state);
  for (const result of results) {
    if (!result.ok) say(state, msg.nodeLeftOut(nodeName(result.node), result.cause));
    else if (result.endpoint.slots !== result.node.slots) say(state, msg.nodeSlotsDiffer(nodeName(result.node), result.endpoint.slots, result.node.slots));
  }
  const live = results.filter((result) => result.ok).map((result) => result.node);
  if (live.length === 0) return localFallback(state);
  const holdNode = (host: string, held: boolean, reason: string): void => {
    if (!tunnels.hold(host, held)) return;
    const event = { node: host, kind: held ? ('node' as const) : ('resumed' as const), cause: held ? msg.nodeHeld(reason) : '' };
    events.write({ at: ctx.now(), ...event });
    if (!state.screen.taken) say(state, held ? msg.tunnelNodeSays(host, event.cause) : msg.nodeResumed(host));
  };
  const useDistccDir = (chosen: string): void => {
    distccDir = chosen;
  };
  return { ...state, live, transport: { distccSsh: tunnels.connector, needsNetwork: false, nodeEvents: events.path, holdNode, useDistccDir } };
}

function tunnelEventLine(node: string, event: TunnelEvent): string {
  switch (event.kind) {
    case 'lost':
      return msg.tunnelLost(node, event.cause);
    case 'failed':
      return msg.tunnelStillDown(node, event.cause);
    case 'back':
      return msg.tunnelBack(node);
    case 'node':
      return msg.tunnelNodeSays(node, event.cause);
  }
}

const SYSTEM_PATH = '/usr/bin:/bin';

/** perl where there is one (about 7 ms a job), else python3 (about 30 ms): see job-relay.ts. */
function relayInterpreter(path: string | undefined): { kind: RelayInterpreter; path: string } {
  for (const kind of ['perl', 'python3'] as const) {
    const found = which(kind, SYSTEM_PATH) ?? which(kind, path);
    if (found !== undefined) return { kind, path: found };
  }
  throw new DemergeError(...msg.noRelayProgram());
}

/** The run's SHARED_SLOTS_FILE: per node, what other runs hold there now, for the dashboard. */
function sharedSlotsFile(runDir: string): { write(node: NodeConfig, slots: SharedSlots): void } {
  const path = join(runDir, SHARED_SLOTS_FILE);
  const byHost: Record<string, SharedSlots> = {};
  return {
    write(node, slots) {
      byHost[node.host] = slots;
      try {
        writeFileSync(`${path}.next`, `${JSON.stringify(byHost)}\n`, { mode: 0o640 });
        renameSync(`${path}.next`, path);
      } catch {
        // The dashboard misses one update; the build goes on.
      }
    },
  };
}
