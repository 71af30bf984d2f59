import { HostSpecError, quote } from '../errors.js';
import { describeChar } from './describe-char.js';
import { MAX_COMMAND_LENGTH, MAX_HOST_NAME_LENGTH, MAX_USER_NAME_LENGTH } from './limits.js';
import type { Problem } from './problem.js';

// Host names, user names and commands end up as ssh arguments and, for the command, in a
// remote shell. Allow-lists, not deny-lists: anything not listed is refused.
const HOST_CHAR = /[A-Za-z0-9._-]/;
const USER_CHAR = /[a-z0-9_.-]/;
const COMMAND_CHAR = /[A-Za-z0-9/._+-]/;

const OPTION_LIKE: Problem = {
  reason: 'starts with "-", which ssh would read as an option',
  fix: 'use the real name; names never start with "-"',
};

const HOST_CHARS_FIX = 'host names may contain only ASCII letters, digits, ".", "-" and "_"';

// A hint per separator that users put into a host name by mistake.
const HOST_CHAR_FIX: Record<string, string> = {
  ':': 'a port goes in demerge.conf\'s port (or ssh config), not in the host; IPv6 literals are not supported, use a host name',
  '[': 'IPv6 literals are not supported (distcc 3.4 cannot put them in an ssh host spec); use a host name',
  ']': 'IPv6 literals are not supported (distcc 3.4 cannot put them in an ssh host spec); use a host name',
  '@': 'give the user separately: USER@HOST in a host spec, user = "..." in demerge.conf',
  '/': 'a job limit goes after the host as /N, or in demerge.conf\'s slots',
  ',': 'options go after the host as ,lzo, or in demerge.conf\'s options',
};

function firstBadChar(value: string, allowed: RegExp): string | undefined {
  for (const ch of value) if (!allowed.test(ch)) return ch;
  return undefined;
}

export function findHostNameProblem(host: string): Problem | undefined {
  if (host === '') return { reason: 'is empty', fix: 'give the node\'s host name or IPv4 address' };
  if (host.startsWith('-')) return OPTION_LIKE;
  if (host.length > MAX_HOST_NAME_LENGTH) {
    return {
      reason: `is ${host.length} characters long, more than the ${MAX_HOST_NAME_LENGTH} a DNS name may have`,
      fix: 'use the node\'s real name, or a short alias from /etc/hosts or ssh config',
    };
  }
  const bad = firstBadChar(host, HOST_CHAR);
  if (bad !== undefined) {
    return { reason: `contains ${describeChar(bad)}`, fix: HOST_CHAR_FIX[bad] ?? HOST_CHARS_FIX };
  }
  return undefined;
}

export function findUserNameProblem(user: string): Problem | undefined {
  const fix = 'give the account name as in the node\'s /etc/passwd: a-z, 0-9, "_", "." and "-", starting with a letter or "_"';
  if (user === '') return { reason: 'is empty', fix };
  if (user.startsWith('-')) return OPTION_LIKE;
  if (user.length > MAX_USER_NAME_LENGTH) {
    return { reason: `is ${user.length} characters long, more than ${MAX_USER_NAME_LENGTH}`, fix };
  }
  const bad = firstBadChar(user, USER_CHAR);
  if (bad !== undefined) {
    if (/[A-Z]/.test(bad)) return { reason: `contains the upper-case letter ${quote(bad)}`, fix };
    return { reason: `contains ${describeChar(bad)}`, fix };
  }
  if (!/^[a-z_]/.test(user)) return { reason: 'must start with a lower-case letter or "_"', fix };
  return undefined;
}

// The command of an ssh spec is run by the node's login shell, so it must be a plain
// absolute path: no quoting can survive both distcc's and ssh's word handling.
export function findCommandProblem(command: string): Problem | undefined {
  if (command === '') {
    return { reason: 'is empty', fix: 'drop the ":" or give the absolute path of distccd on the node' };
  }
  if (/^[0-9]+$/.test(command)) {
    return {
      reason: 'looks like a port, but after ":" an ssh host spec names the remote distccd command',
      fix: 'put the ssh port in demerge.conf\'s port (or ssh config) and drop the ":PORT"',
    };
  }
  if (!command.startsWith('/')) {
    return { reason: 'is not an absolute path', fix: 'give the full path of distccd on the node, e.g. /usr/bin/distccd' };
  }
  if (command.length > MAX_COMMAND_LENGTH) {
    return { reason: `is ${command.length} characters long, more than ${MAX_COMMAND_LENGTH}`, fix: 'give a real path' };
  }
  const bad = firstBadChar(command, COMMAND_CHAR);
  if (bad !== undefined) {
    return {
      reason: `contains ${describeChar(bad)}`,
      fix: 'the path may contain only ASCII letters, digits, "/", ".", "_", "+" and "-"',
    };
  }
  return undefined;
}

function raise(value: string, what: string, problem: Problem | undefined): void {
  if (problem) throw new HostSpecError(value, `${what} ${quote(value)} ${problem.reason}`, problem.fix);
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
