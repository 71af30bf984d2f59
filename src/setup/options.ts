// What `demerge setup` and `demerge trust` are asked to do: the command line's meaning, which
// the CLI parses (src/cli/setup-args.ts) and the setup steps read.

export type SetupStep = 'all' | 'key' | 'node' | 'trust';

/** A host named on the command line; `admin` is the USER of `USER@HOST` (setup node only). */
export interface HostArg {
  host: string;
  admin?: string;
}

export interface SetupArgs {
  step: SetupStep;
  hosts: HostArg[];
  /** setup key: replace an existing key. */
  force: boolean;
  /** setup key: a new key with a passphrase, asked for at the terminal (never on the command line). */
  passphrase?: boolean;
  /** setup node: print the node scripts instead of running them. */
  print: boolean;
  /** The account the admin logs in as on the nodes (default root). */
  admin: string;
  /** An identity file for the admin login; otherwise the admin's agent and ssh config decide. */
  adminKey?: string;
  /** authorized_keys from="..." for the build key. */
  from?: string;
  /** restrict + the forced command /etc/distcc/demerge-command. */
  restrict: boolean;
  unlock: boolean;
  /** trust: pinned SHA256 fingerprints; a host's key must match one of them. */
  fingerprints: string[];
  /** trust: replace a known_hosts entry whose key differs. */
  replace: boolean;
}
