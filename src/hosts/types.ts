// distcc 3.4's DISTCC_HOSTS grammar as data (distcc src/hosts.c, man/distcc.1).

// `auth=NAME` names the GSS-API service principal's host instead of the host's fqdn.
export type HostOption = 'lzo' | 'cpp' | 'auth' | `auth=${string}`;

export type HostSpec =
  // localhost[/N]: compile on this machine, no daemon.
  | { kind: 'localhost'; limit?: number }
  // [USER]@HOST[/LIMIT][:COMMAND][,OPT...]: COMMAND is the remote distccd, never a port.
  | { kind: 'ssh'; user?: string; host: string; limit?: number; command?: string; options: HostOption[] }
  // HOST[:PORT][/LIMIT][,OPT...] and the old HOST[/LIMIT][:PORT][,OPT...].
  | { kind: 'tcp'; host: string; port?: number; limit?: number; options: HostOption[] };

export type GlobalOption = { kind: 'randomize' } | { kind: 'localslots'; value: number } | { kind: 'localslots_cpp'; value: number };

export interface HostList {
  entries: Array<HostSpec | GlobalOption>;
}
