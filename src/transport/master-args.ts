import type { NodeConfig } from '../config/types.js';
import { sshOptions, type RunAgent } from '../run-env/ssh-wrapper.js';
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
  /** An agent-held key: the run's bridge, through which the master authenticates (once, and on each reconnect). */
  agent?: RunAgent | undefined;
}

export function masterArgs(input: MasterInput): string[] {
  // ssh keeps the first value of an option, so the recipe's values replaced here must go.
  const base = sshOptions(input).filter((option) => !/^(Control(Master|Path)|ServerAlive(Interval|CountMax)|LogLevel)=/.test(option));
  const options = [
    ...base,
    'ControlMaster=yes',
    `ControlPath=${sshPercentEscape(input.controlPath)}`,
    // The master ends with its session: nothing of the run outlives the run.
    'ControlPersist=no',
    // The forwarded jobs socket of a master that was killed is still there for the next one.
    'StreamLocalBindUnlink=yes',
    // Every job of the node rides on this one connection, and a job on a dead link waits for
    // the master to notice: after two unanswered keepalives, within 2-3 connect timeouts. Then
    // its jobs fail over to local compiles and the connection is made again.
    `ServerAliveInterval=${input.connectTimeout}`,
    'ServerAliveCountMax=2',
    // demerge reads the master's stderr and names the cause of a drop to the user; "Timeout,
    // server not responding" and "closed by remote host" are INFO messages.
    'LogLevel=INFO',
  ];
  return [
    '-F',
    '/dev/null',
    ...options.flatMap((option) => ['-o', option]),
    '-T',
    '-p',
    String(input.node.port),
    '-l',
    input.node.user,
    input.node.host,
    input.remoteCommand,
  ];
}
