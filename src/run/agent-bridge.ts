import { join } from 'node:path';
import { DemergeError } from '../errors.js';
import * as msg from '../messages.js';
import { startAgentBridge } from '../ssh/agent-bridge.js';
import type { Bridged, Prepared } from './run-state.js';

// A build key with a passphrase: the build's ssh, running as the build user, reaches the agent
// of the user running demerge through a socket of this run's (ssh/agent-bridge.ts) that lets
// only the build key's list entry and signatures through. It lives in the run directory and is
// closed with the run, before the directory goes; a SIGKILLed demerge takes it along.
export async function bridgeAgent(state: Prepared): Promise<Bridged> {
  const key = state.agentKey;
  if (key === undefined) return { ...state, agent: undefined };
  let bridge;
  try {
    bridge = await startAgentBridge({ upstream: key.socket, publicKey: key.publicKey, dir: join(state.runDir.path, 'agent'), owner: state.buildUser });
  } catch (error) {
    throw new DemergeError(...msg.agentBridgeFailed(state.runDir.path, (error as Error).message));
  }
  state.cleanups.push(() => bridge.close());
  return { ...state, agent: { socket: bridge.socket, identity: bridge.identity } };
}
