import { HostSpecError } from '../errors.js';
import * as say from '../messages/hosts.js';
import { MAX_COMMAND_LENGTH, MAX_HOST_NAME_LENGTH, MAX_USER_NAME_LENGTH } from './limits.js';
import type { Problem } from './problem.js';

// Host names, user names and commands end up as ssh arguments and, for the command, in a
// remote shell. Allow-lists, not deny-lists: anything not listed is refused.
const HOST_CHAR = /[A-Za-z0-9._-]/;
const USER_CHAR = /[a-z0-9_.-]/;
const COMMAND_CHAR = /[A-Za-z0-9/._+-]/;

function firstBadChar(value: string, allowed: RegExp): string | undefined {
  for (const ch of value) if (!allowed.test(ch)) return ch;
  return undefined;
}

export function findHostNameProblem(host: string): Problem | undefined {
  if (host === '') return say.hostEmpty();
  if (host.startsWith('-')) return say.nameLikeOption();
  if (host.length > MAX_HOST_NAME_LENGTH) return say.hostTooLong(host.length, MAX_HOST_NAME_LENGTH);
  const bad = firstBadChar(host, HOST_CHAR);
  if (bad !== undefined) return say.hostBadChar(bad);
  return undefined;
}

export function findUserNameProblem(user: string): Problem | undefined {
  if (user === '') return say.userEmpty();
  if (user.startsWith('-')) return say.nameLikeOption();
  if (user.length > MAX_USER_NAME_LENGTH) return say.userTooLong(user.length, MAX_USER_NAME_LENGTH);
  const bad = firstBadChar(user, USER_CHAR);
  if (bad !== undefined) return /[A-Z]/.test(bad) ? say.userUpperCase(bad) : say.userBadChar(bad);
  if (!/^[a-z_]/.test(user)) return say.userBadStart();
  return undefined;
}

// The command of an ssh spec is run by the node's login shell, so it must be a plain
// absolute path: no quoting can survive both distcc's and ssh's word handling.
export function findCommandProblem(command: string): Problem | undefined {
  if (command === '') return say.commandEmpty();
  if (/^[0-9]+$/.test(command)) return say.commandLooksLikePort();
  if (!command.startsWith('/')) return say.commandNotAbsolute();
  if (command.length > MAX_COMMAND_LENGTH) return say.commandTooLong(command.length, MAX_COMMAND_LENGTH);
  const bad = firstBadChar(command, COMMAND_CHAR);
  if (bad !== undefined) return say.commandBadChar(bad);
  return undefined;
}

function raise(value: string, what: string, problem: Problem | undefined): void {
  if (problem) throw new HostSpecError(value, say.culprit(what, value, problem.reason), problem.fix);
}

/** Throws HostSpecError unless `host` is safe to hand to ssh and distcc as a host name. */
export function validateHostName(host: string, what: string): void {
  raise(host, what, findHostNameProblem(host));
}

/** Throws HostSpecError unless `user` is a POSIX-portable user name, safe for `ssh -l`. */
export function validateUserName(user: string): void {
  raise(user, 'user', findUserNameProblem(user));
}

/** Throws HostSpecError unless `command` is a safe absolute path for a remote distccd. */
export function validateCommand(command: string): void {
  raise(command, 'command', findCommandProblem(command));
}
