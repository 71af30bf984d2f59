import { resolve } from 'node:path';
import { DemergeError } from '../errors.js';
import { findHostNameProblem, findUserNameProblem } from '../hosts/index.js';
import * as msg from '../messages.js';
import type { HostArg, SetupArgs, SetupStep } from '../setup/options.js';

export type { HostArg, SetupArgs, SetupStep } from '../setup/options.js';

// `demerge setup [key|node] ...` and `demerge trust ...`: selected by the FIRST argument only,
// so `demerge -av setup` still emerges a package called setup (and so does `demerge -- setup`).
// Nothing here reaches emerge: unknown words are errors, not emerge arguments.

export const SETUP_COMMANDS = ['setup', 'trust'] as const;

/** `demerge setup ...`: the step and its options. */
export interface SetupCommandArgs {
  mode: 'setup';
  config?: string;
  setup: SetupArgs;
}

/** `demerge trust ...`: the hosts and their pins (in the same options as setup's). */
export interface TrustCommandArgs {
  mode: 'trust';
  config?: string;
  setup: SetupArgs;
}

type OptionName =
  '--config' | '--force' | '--passphrase' | '--print' | '--admin' | '--admin-key' | '--from' | '--restrict' | '--unlock' | '--fingerprint' | '--replace';

const NODE_OPTIONS: OptionName[] = ['--admin', '--admin-key', '--from', '--restrict', '--unlock'];

/** Which options each step takes; the rest are refused with the list of what it does take. */
const STEP_OPTIONS: Record<SetupStep, readonly OptionName[]> = {
  all: ['--config', ...NODE_OPTIONS],
  key: ['--config', '--force', '--passphrase'],
  node: ['--config', '--print', ...NODE_OPTIONS],
  trust: ['--config', '--fingerprint', '--replace'],
};

const TAKES_VALUE: ReadonlySet<OptionName> = new Set(['--config', '--admin', '--admin-key', '--from', '--fingerprint']);

const FINGERPRINT = /^SHA256:[A-Za-z0-9+/]{43}=?$/;

function stepName(step: SetupStep): string {
  return step === 'all' ? 'setup' : step === 'trust' ? 'trust' : `setup ${step}`;
}

export function parseSetupArgs(argv: readonly string[]): SetupCommandArgs | TrustCommandArgs | { mode: 'help' } {
  const command = argv[0];
  let rest = argv.slice(1);
  let step: SetupStep = 'trust';
  if (command === 'setup') {
    step = 'all';
    if (rest[0] === 'key' || rest[0] === 'node') {
      step = rest[0];
      rest = rest.slice(1);
    } else if (rest[0] !== undefined && !rest[0].startsWith('-')) {
      throw new DemergeError(...msg.unknownSetupStep(rest[0]));
    }
  }
  const given: { config?: string } = {};
  const setup: SetupArgs = {
    step,
    hosts: [],
    force: false,
    print: false,
    admin: 'root',
    restrict: false,
    unlock: false,
    fingerprints: [],
    replace: false,
  };
  const allowed = STEP_OPTIONS[step];
  for (let i = 0; i < rest.length; i++) {
    const word = rest[i] as string;
    if (word === '--help' || word === '-h') return { mode: 'help' };
    if (!word.startsWith('-')) {
      if (step === 'all' || step === 'key') throw new DemergeError(...msg.setupTakesNoHosts(stepName(step), word));
      setup.hosts.push(parseHostArg(word, step));
      continue;
    }
    const equals = word.indexOf('=');
    const name = (equals === -1 ? word : word.slice(0, equals)) as OptionName;
    if (!allowed.includes(name)) throw new DemergeError(...msg.unknownSetupOption(stepName(step), word, allowed));
    let value: string | undefined;
    if (TAKES_VALUE.has(name)) {
      // `--fingerprint SHA256:...` as ssh-keygen users type it, or `--fingerprint=...`.
      value = equals === -1 ? rest[++i] : word.slice(equals + 1);
      if (value === undefined || value === '') throw new DemergeError(...msg.setupOptionNeedsValue(name));
    } else if (equals !== -1) {
      throw new DemergeError(...msg.badOptionValue(name, word.slice(equals + 1), msg.expected.noValue));
    }
    applyOption(given, setup, name, value as string);
  }
  return command === 'setup' ? { mode: 'setup', ...given, setup } : { mode: 'trust', ...given, setup };
}

function applyOption(given: { config?: string }, setup: SetupArgs, name: OptionName, value: string): void {
  switch (name) {
    case '--config':
      given.config = value;
      return;
    case '--force':
      setup.force = true;
      return;
    case '--passphrase':
      setup.passphrase = true;
      return;
    case '--print':
      setup.print = true;
      return;
    case '--restrict':
      setup.restrict = true;
      return;
    case '--unlock':
      setup.unlock = true;
      return;
    case '--replace':
      setup.replace = true;
      return;
    case '--admin': {
      const problem = findUserNameProblem(value);
      if (problem) throw new DemergeError(...msg.badAdminUser(value, problem.reason, problem.fix));
      setup.admin = value;
      return;
    }
    case '--admin-key':
      setup.adminKey = resolve(value);
      return;
    case '--from': {
      const problem = findFromProblem(value);
      if (problem !== undefined) throw new DemergeError(...msg.badOptionValue(name, value, problem));
      setup.from = value;
      return;
    }
    case '--fingerprint':
      if (!FINGERPRINT.test(value)) {
        throw new DemergeError(...msg.badOptionValue(name, value, msg.expected.fingerprint));
      }
      setup.fingerprints.push(value.replace(/=$/, ''));
      return;
  }
}

function parseHostArg(word: string, step: SetupStep): HostArg {
  const at = word.lastIndexOf('@');
  const host = at === -1 ? word : word.slice(at + 1);
  const problem = findHostNameProblem(host);
  if (problem) throw new DemergeError(...msg.badSetupHost(word, problem.reason, problem.fix));
  if (at === -1) return { host };
  if (step !== 'node') throw new DemergeError(...msg.badSetupHost(word, ...msg.hostUserPart()));
  const admin = word.slice(0, at);
  const userProblem = findUserNameProblem(admin);
  if (userProblem) throw new DemergeError(...msg.badAdminUser(admin, userProblem.reason, userProblem.fix));
  return { host, admin };
}

/**
 * sshd's from="pattern-list": comma-separated addresses, CIDR networks or host name patterns.
 * sshd ignores a whole key line whose from= it cannot parse (a CIDR with host bits set, say),
 * which would silently lock the build out, so such values are refused here.
 */
export function findFromProblem(value: string): string | undefined {
  const expected = msg.expected.fromList;
  for (const raw of value.split(',')) {
    const entry = raw.startsWith('!') ? raw.slice(1) : raw;
    if (!/^[A-Za-z0-9.:*?/_-]+$/.test(entry)) return expected;
    if (!entry.includes('/')) continue;
    const [address = '', bits = '', extra] = entry.split('/');
    if (extra !== undefined || !/^[0-9]{1,3}$/.test(bits)) return expected;
    const v4 = ipv4(address);
    if (v4 === undefined) {
      if (!address.includes(':') || Number(bits) > 128) return expected;
      continue; // IPv6 networks: sshd checks them itself
    }
    const prefix = Number(bits);
    if (prefix > 32) return expected;
    const hostBits = prefix === 32 ? 0 : (v4 & (2 ** (32 - prefix) - 1)) >>> 0;
    if (hostBits !== 0) return msg.networkHostBits(raw);
  }
  return undefined;
}

function ipv4(text: string): number | undefined {
  const parts = text.split('.');
  if (parts.length !== 4 || parts.some((p) => !/^[0-9]{1,3}$/.test(p) || Number(p) > 255)) return undefined;
  return parts.reduce((n, p) => n * 256 + Number(p), 0);
}
