import { runProgram } from '../system/spawn.js';
import { sshPercentEscape } from '../run-env/shell-quote.js';

// `setup node` reaches a node the way its admin does: the system ssh, run as the invoking user,
// so their agent, ~/.ssh/config and known_hosts apply. No password is ever asked for or passed
// (BatchMode). The node script goes in on stdin: the remote command line holds no value at all.

export interface AdminTarget {
  host: string;
  /** The node's port from demerge.conf; undefined lets the admin's ssh config decide. */
  port?: number;
  user: string;
}

export interface AdminSshOptions {
  ssh: string;
  identity?: string;
  /** The build's known_hosts: a node trusted with `demerge trust` is accepted for the admin too. */
  knownHosts: string;
  connectTimeout: number;
  env: Record<string, string | undefined>;
}

export interface AdminRun {
  exitCode: number;
  stdout: string;
  stderr: string;
}

/** Runs a script on a node as its admin: runAdminScript, or a test's stand-in. */
export type AdminRunner = (target: AdminTarget, script: string, options: AdminSshOptions) => Promise<AdminRun>;

// OpenSSH's defaults for GlobalKnownHostsFile, kept, with the build's file added to them.
const GLOBAL_KNOWN_HOSTS = ['/etc/ssh/ssh_known_hosts', '/etc/ssh/ssh_known_hosts2'];

// The script takes a second or two; a node that accepts the login and then hangs is cut off.
const SCRIPT_TIMEOUT_MS = 120_000;

export function remoteShellCommand(user: string): string {
  // A sudo user must have password-less sudo: nothing here can type a password.
  return user === 'root' ? 'sh -s' : 'sudo -n sh -s';
}

export function adminSshArgs(target: AdminTarget, options: Omit<AdminSshOptions, 'ssh' | 'env'>): string[] {
  const args = [
    '-T',
    '-o',
    'BatchMode=yes',
    '-o',
    `ConnectTimeout=${options.connectTimeout}`,
    '-o',
    `GlobalKnownHostsFile=${[...GLOBAL_KNOWN_HOSTS, sshPercentEscape(options.knownHosts)].join(' ')}`,
    // Trust is a person's decision (`demerge trust`): never learn host keys on the side.
    '-o',
    'UpdateHostKeys=no',
    '-o',
    'ForwardAgent=no',
    '-o',
    'ClearAllForwardings=yes',
  ];
  if (options.identity !== undefined) args.push('-i', sshPercentEscape(options.identity), '-o', 'IdentitiesOnly=yes');
  if (target.port !== undefined) args.push('-p', String(target.port));
  args.push('-l', target.user, '--', target.host, remoteShellCommand(target.user));
  return args;
}

export async function runAdminScript(target: AdminTarget, script: string, options: AdminSshOptions): Promise<AdminRun> {
  const result = await runProgram(options.ssh, adminSshArgs(target, options), {
    input: script,
    env: options.env,
    timeoutMs: SCRIPT_TIMEOUT_MS,
    maxBuffer: 1024 * 1024,
  });
  return {
    exitCode: result.exitCode ?? (result.timedOut ? 124 : 255),
    stdout: result.stdout,
    stderr: result.stderr,
  };
}
