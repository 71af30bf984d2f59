import { hostname } from 'node:os';
import { fetchHostKey } from '../ssh/fetch-host-key.js';
import type { Context } from '../system/context.js';
import { findAccount, type Account } from '../system/users.js';
import { which } from '../system/which.js';
import { runAdminScript, type AdminRunner } from './admin-ssh.js';
import { terminalPrompter, type Prompter } from './prompter.js';
import type { FetchHostKey } from './trust-hosts.js';

// What `setup` and `trust` touch besides the run's Context (its streams, environment, files and
// clock): the terminal for questions, the network for host keys, the admin's ssh to the nodes,
// the account database and the local OpenSSH tools. Tests pass their own.

export interface SetupDeps {
  prompter: Prompter;
  fetchHostKey: FetchHostKey;
  /** Runs the node script over the admin's ssh (setup node, and the whole setup). */
  runAdminScript: AdminRunner;
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
    runAdminScript,
    findAccount: (name) => findAccount(name),
    which: (command) => which(command, ctx.env.PATH),
    hostname,
    self: { uid: process.getuid?.() ?? 0, gid: process.getgid?.() ?? 0 },
  };
}
