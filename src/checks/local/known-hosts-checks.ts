import * as msg from '../../messages.js';
import { parseKnownHosts, type KnownHostLine } from '../../ssh/known-hosts.js';
import { fail, ok, warn, type Check } from '../types.js';
import type { Identity, ReadResult, StatResult } from './file-facts.js';
import { octal } from './key-perm.js';

// known_hosts as the build's ssh will read it: present, readable by the build user, and not
// writable by anyone who could slip a key in. Whether it names every node is a per-node check.

export interface KnownHostsInput {
  path: string;
  stat: StatResult;
  data: ReadResult | undefined;
  asBuildUser: ReadResult | undefined;
  buildUser: Identity | undefined;
}

export interface KnownHostsOutcome {
  checks: Check[];
  entries: KnownHostLine[];
}

export function knownHostsChecks(input: KnownHostsInput): KnownHostsOutcome {
  const { path } = input;
  if (!input.stat.ok) {
    const problem = input.stat.code === 'ENOENT' ? msg.knownHostsMissing(path) : msg.knownHostsUnreadable(path, input.stat.code);
    return { checks: [fail('known-hosts.file', null, problem)], entries: [] };
  }
  if (!input.stat.facts.isFile) return { checks: [fail('known-hosts.file', null, msg.knownHostsNotAFile(path))], entries: [] };
  if (input.data !== undefined && !input.data.ok) {
    return { checks: [fail('known-hosts.file', null, msg.knownHostsUnreadable(path, input.data.code))], entries: [] };
  }
  const entries = input.data === undefined ? [] : parseKnownHosts(input.data.data.toString('utf8'));
  const checks: Check[] = [ok('known-hosts.file', null, msg.knownHostsOk(path, entries.length))];
  if (input.buildUser !== undefined) {
    if (input.asBuildUser !== undefined && !input.asBuildUser.ok) {
      checks.push(fail('known-hosts.build-user', null, msg.knownHostsNotReadableByBuildUser(path, input.buildUser.name, input.asBuildUser.code)));
    } else {
      checks.push(ok('known-hosts.build-user', null, msg.knownHostsReadableByBuildUser(input.buildUser.name)));
    }
  }
  if ((input.stat.facts.mode & 0o022) !== 0) {
    checks.push(warn('known-hosts.writable', null, msg.knownHostsWritable(path, octal(input.stat.facts.mode))));
  }
  return { checks, entries };
}
