import * as msg from '../../messages.js';
import { requestIdentities, type AgentQuery } from '../../ssh/agent-protocol.js';
import type { AgentKey } from '../../ssh/connect.js';
import { fingerprint } from '../../ssh/key-blob.js';
import { fail, ok, type Check } from '../types.js';

// A build key with a passphrase works when the ssh-agent of the user running demerge
// ($SSH_AUTH_SOCK, keychain's for instance) holds it: the agent signs demerge's own logins, and
// the build's ssh reaches it through the run's bridge (ssh/agent-bridge.ts). This asks the agent.

export interface AgentOutcome {
  check: Check;
  /** Where the key can sign, when the agent holds it. */
  agent?: AgentKey;
}

// A local socket answers in microseconds; an agent that takes this long is stuck.
const AGENT_TIMEOUT_MS = 3000;

export async function agentKeyCheck(
  path: string,
  publicKey: Buffer,
  socket: string | undefined,
  ask: (socket: string, timeoutMs: number) => Promise<AgentQuery> = requestIdentities,
): Promise<AgentOutcome> {
  if (socket === undefined || socket === '') return { check: fail('key.passphrase', null, msg.keyNoAgent(path)) };
  const answer = await ask(socket, AGENT_TIMEOUT_MS);
  if (!answer.ok) return { check: fail('key.passphrase', null, msg.keyAgentUnreachable(path, socket, answer.code)) };
  const print = fingerprint(publicKey);
  if (!answer.blobs.some((blob) => blob.equals(publicKey))) return { check: fail('key.passphrase', null, msg.keyAgentLacks(path, print, socket)) };
  return { check: ok('key.passphrase', null, msg.keyAgentHolds(print, socket)), agent: { socket, publicKey } };
}
