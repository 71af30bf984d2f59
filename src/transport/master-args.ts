import type { NodeConfig } from '../config/types.js';
import { sshOptions } from '../run-env/ssh-wrapper.js';
import { sshPercentEscape } from '../run-env/shell-quote.js';

// The one connection per node: an OpenSSH master run as the build user, because OpenSSH's
// multiplexer serves only clients of its own uid (and root), and the connector runs as `portage`.
// The recipe's options (key, known_hosts, StrictHostKeyChecking=yes, BatchMode, timeouts) apply
// unchanged; only multiplexing is switched on, and no user or system ssh_config is read.

export interface MasterInput {
  ssh: string;
  node: Pick<NodeConfig, 'host' | 'port' | 'user'>;
  key: string;
  knownHosts: string;
  connectTimeout: number;
  controlPath: string;
  remoteCommand: string;
}

export function masterArgs(input: MasterInput): string[] {
  // ssh keeps the first value of an option, so the recipe's ControlMaster=no must not come first.
  const base = sshOptions(input).filter((option) => !/^Control(Master|Path)=/.test(option));
  const options = [
    ...base,
    'ControlMaster=yes',
    `ControlPath=${sshPercentEscape(input.controlPath)}`,
    // The master ends with its session: nothing of the run outlives the run.
    'ControlPersist=no',
  ];
  return [
    '-F', '/dev/null',
    ...options.flatMap((option) => ['-o', option]),
    '-T',
    '-p', String(input.node.port),
    '-l', input.node.user,
    input.node.host,
    input.remoteCommand,
  ];
}
