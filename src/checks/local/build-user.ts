import { readFileSync } from 'node:fs';
import type { Config } from '../../config/types.js';
import * as msg from '../../messages.js';
import { parsePasswd, type Account } from '../../system/users.js';
import { fail, ok, type Check } from '../types.js';
import type { Identity } from './file-facts.js';

// Under Portage's userpriv the build, and so distcc's ssh, runs as the build user; demerge run by
// someone other than root builds as that person (Portage cannot drop privileges then).

export interface BuildUserOutcome {
  check: Check;
  identity?: Identity;
}

export function buildUserCheck(uid: number, gid: number, config: Pick<Config, 'buildUser'>, accounts: readonly Account[] = readAccounts()): BuildUserOutcome {
  if (uid !== 0) {
    const name = accounts.find((account) => account.uid === uid)?.name ?? String(uid);
    return { check: ok('build-user', null, msg.buildUserIsCaller(name)), identity: { name, uid, gid } };
  }
  const account = accounts.find((candidate) => candidate.name === config.buildUser);
  if (account === undefined) return { check: fail('build-user', null, msg.buildUserMissing(config.buildUser)) };
  return {
    check: ok('build-user', null, msg.buildUserOk(account.name, account.uid)),
    identity: { name: account.name, uid: account.uid, gid: account.gid },
  };
}

function readAccounts(): Account[] {
  try {
    return parsePasswd(readFileSync('/etc/passwd', 'utf8'));
  } catch {
    return [];
  }
}
