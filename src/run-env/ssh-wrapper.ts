import type { Config, NodeConfig } from '../config/types.js';
import { DemergeError } from '../errors.js';
import * as say from '../messages/front-end.js';
import { shellQuote, sshPercentEscape } from './shell-quote.js';

// DISTCC_SSH must be a single word (distcc 3.4 splits it in place and loses words on retries),
// and under userpriv ssh runs as `portage` with HOME in the build dir, where ssh ignores $HOME
// anyway. So everything ssh needs is spelled out in a wrapper and a config file of this run.

/**
 * A build key with a passphrase, held by the agent of the user running demerge: the run's bridge
 * to it (ssh/agent-bridge.ts), which the build user can open, and the key's public half there.
 */
export interface RunAgent {
  socket: string;
  identity: string;
}

export interface WrapperInput {
  runId: string;
  ssh: string;
  sshConfigPath: string;
  key: string;
  knownHosts: string;
  connectTimeout: number;
  agent?: RunAgent | undefined;
}

export function sshOptions(input: Omit<WrapperInput, 'runId' | 'ssh' | 'sshConfigPath'>): string[] {
  // An agent-held key: ssh offers the public half named here, and the bridge signs with it.
  // IdentitiesOnly keeps ssh to that one key, and the bridge would refuse any other anyway.
  const identity = input.agent === undefined ? [] : [`IdentityAgent=${sshPercentEscape(input.agent.socket)}`];
  return [
    `IdentityFile=${sshPercentEscape(input.agent?.identity ?? input.key)}`,
    ...identity,
    'IdentitiesOnly=yes',
    'BatchMode=yes',
    'StrictHostKeyChecking=yes',
    `UserKnownHostsFile=${sshPercentEscape(input.knownHosts)}`,
    'GlobalKnownHostsFile=/dev/null',
    // Never write known_hosts: trusting a key is a person's decision.
    'UpdateHostKeys=no',
    'CheckHostIP=no',
    `ConnectTimeout=${input.connectTimeout}`,
    'ServerAliveInterval=5',
    'ServerAliveCountMax=3',
    'ControlMaster=no',
    'ControlPath=none',
    'ForwardAgent=no',
    'ForwardX11=no',
    'ClearAllForwardings=yes',
    'LogLevel=ERROR',
  ];
}

export function renderSshWrapper(input: WrapperInput): string {
  const words = [input.ssh, '-F', input.sshConfigPath, ...sshOptions(input).flatMap((option) => ['-o', option])];
  return ['#!/bin/sh', `# DISTCC_SSH for demerge run ${input.runId}; removed when the run ends.`, `exec ${words.map(shellQuote).join(' ')} "$@"`, ''].join(
    '\n',
  );
}

export function renderSshConfig(runId: string, nodes: readonly NodeConfig[]): string {
  const lines = [`# ssh_config for demerge run ${runId}: per-node port and user.`];
  for (const node of nodes) {
    lines.push(`Host ${node.host}`, `    Port ${node.port}`, `    User ${node.user}`);
  }
  lines.push('');
  return lines.join('\n');
}

/** Paths that reach ssh's option parser: whitespace or quotes would split or change them. */
export function unsafeSshPathReason(path: string): string | undefined {
  if (!path.startsWith('/')) return say.sshPathNotAbsolute();
  if (/[\s"'\\]/.test(path)) return say.sshPathSplits();
  if (/[\u0000-\u001f\u007f]/.test(path)) return say.sshPathControlChar();
  return undefined;
}

/** Refuses a key or known_hosts path that ssh would not take as it is (setup and the build alike). */
export function checkSshPaths(config: Pick<Config, 'key' | 'knownHosts'>): void {
  for (const [what, path] of [
    ['key', config.key],
    ['known_hosts', config.knownHosts],
  ] as const) {
    const reason = unsafeSshPathReason(path);
    if (reason !== undefined) throw new DemergeError(...say.unsafeSshPath(what, path, reason));
  }
}
