import { hostname } from 'node:os';
import { loadConfig, type Config } from '../config/index.js';
import { DemergeError } from '../errors.js';
import * as msg from '../messages.js';
import { unsafeSshPathReason } from '../run-env/ssh-wrapper.js';
import type { BuildUser } from '../setup/build-user-dirs.js';
import { terminalPrompter, type Prompter } from '../setup/prompter.js';
import type { FetchHostKey } from '../setup/trust-hosts.js';
import { fetchHostKey } from '../ssh/fetch-host-key.js';
import { findAccount, type Account } from '../system/users.js';
import { which } from '../system/which.js';
import type { Args } from './args.js';
import type { Context } from '../system/context.js';

// What `setup` and `trust` touch besides the run's Context: the terminal for questions, the
// network for host keys, the account database and the local OpenSSH tools. Tests pass their own.

export interface SetupDeps {
  prompter: Prompter;
  fetchHostKey: FetchHostKey;
  findAccount(name: string): Account | undefined;
  which(command: string): string | undefined;
  hostname(): string;
  /** The invoking user's ids: new front-end files belong to them. */
  self: { uid: number; gid: number };
}

export function processSetupDeps(ctx: Context): SetupDeps {
  return {
    prompter: terminalPrompter(),
    fetchHostKey,
    findAccount: (name) => findAccount(name),
    which: (command) => which(command, ctx.env.PATH),
    hostname,
    self: { uid: process.getuid?.() ?? 0, gid: process.getgid?.() ?? 0 },
  };
}

export interface SetupEnvironment {
  config: Config;
  user: BuildUser;
}

export function setupEnvironment(ctx: Context, args: Args, deps: SetupDeps): SetupEnvironment {
  const config = loadConfig({
    flags: args.config === undefined ? {} : { config: args.config },
    env: ctx.env,
    readFile: ctx.readFile,
    cpuCount: ctx.cpuCount,
  });
  // The same paths reach the build's ssh wrapper: refuse now what the build would refuse.
  for (const [what, path] of [['key', config.key], ['known_hosts', config.knownHosts]] as const) {
    const reason = unsafeSshPathReason(path);
    if (reason !== undefined) throw new DemergeError(...msg.unsafeSshPath(what, path, reason));
  }
  const account = deps.findAccount(config.buildUser);
  if (account === undefined) throw new DemergeError(...msg.buildUserMissing(config.buildUser));
  return { config, user: { name: account.name, uid: account.uid, gid: account.gid } };
}

export function writeLine(stream: NodeJS.WritableStream, line: string): void {
  stream.write(`${line}\n`);
}
