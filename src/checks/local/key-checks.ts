import * as msg from '../../messages.js';
import { parsePrivateKey } from '../../ssh/connect.js';
import { fail, ok, warn, type Check } from '../types.js';
import type { Identity, ReadResult, StatResult } from './file-facts.js';
import { fingerprint, rsaBits } from '../../ssh/key-blob.js';
import { keyReaders, octal, sshRefusesKeyMode } from './key-perm.js';
import type { Names } from './names.js';

// The build key, as ssh running as the build user will meet it: there, of a type current OpenSSH
// accepts, without a passphrase, with permissions ssh accepts, readable by the build user, and
// kept from everyone else.

export interface KeyInput {
  path: string;
  stat: StatResult;
  /** The key as the invoking user reads it (for the probes, which sign in-process). */
  data: ReadResult | undefined;
  /** The key as the build user reads it; undefined when the build user is unknown. */
  asBuildUser: ReadResult | undefined;
  buildUser: Identity | undefined;
  /** $SSH_AUTH_SOCK, when set. */
  agentSocket: string | undefined;
  names: Names;
}

export interface KeyOutcome {
  checks: Check[];
  /** The key's bytes when they can sign the probes' logins. */
  privateKey?: Buffer;
}

// OpenSSH 9.1's RequiredRSASize default; below it ssh refuses the key outright.
const RSA_REFUSED_BELOW = 1024;
const RSA_ADVISED_BITS = 3072;
// parsePrivateKey's reason for a public key.
const NOT_PRIVATE = 'not a private key';

export function keyChecks(input: KeyInput): KeyOutcome {
  const { path } = input;
  if (!input.stat.ok) {
    const problem = input.stat.code === 'ENOENT' ? msg.keyMissing(path) : msg.keyUnreadable(path, input.stat.code);
    return { checks: [fail('key.file', null, problem)] };
  }
  const file = input.stat.facts;
  if (!file.isFile) return { checks: [fail('key.file', null, msg.keyNotAFile(path))] };
  const owner = `${input.names.user(file.uid)}:${input.names.group(file.gid)}`;
  const checks: Check[] = [ok('key.file', null, msg.keyFileOk(path, owner, octal(file.mode)))];
  let privateKey: Buffer | undefined;

  if (input.data !== undefined && !input.data.ok) {
    checks.push(fail('key.type', null, msg.keyUnreadable(path, input.data.code)));
  } else if (input.data !== undefined) {
    const parsed = parsePrivateKey(input.data.data);
    if (!parsed.ok && /encrypted/i.test(parsed.reason)) {
      checks.push(fail('key.passphrase', null, msg.keyEncrypted(path, input.agentSocket)));
    } else if (!parsed.ok) {
      const problem = parsed.reason === NOT_PRIVATE ? msg.keyNotPrivate(path) : msg.keyNotParsed(path, parsed.reason);
      checks.push(fail('key.type', null, problem));
    } else {
      const typeCheck = keyTypeCheck(path, parsed.key.type, parsed.key.getPublicSSH(), input.buildUser?.name ?? 'portage');
      checks.push(typeCheck, ok('key.passphrase', null, msg.keyNoPassphrase()));
      if (typeCheck.verdict !== 'fail') privateKey = input.data.data;
    }
  }

  const reader = input.buildUser;
  if (reader !== undefined) {
    if (sshRefusesKeyMode(file, reader)) {
      checks.push(fail('key.permissions', null, msg.keyModeRefused(path, octal(file.mode), reader.name)));
    } else {
      checks.push(ok('key.permissions', null, msg.keyModeAccepted(octal(file.mode), owner, reader.name)));
    }
    if (input.asBuildUser !== undefined && !input.asBuildUser.ok) {
      checks.push(fail('key.build-user', null, msg.keyNotReadableByBuildUser(path, reader.name, input.asBuildUser.code)));
    } else {
      checks.push(ok('key.build-user', null, msg.keyReadableByBuildUser(reader.name)));
    }
    // A mode ssh refuses is already a failure with the same fix.
    if (!sshRefusesKeyMode(file, reader)) {
      const readers = keyReaders(file, reader);
      if (readers === 'others') checks.push(warn('key.exposure', null, msg.keyReadableByOthers(path, octal(file.mode), reader.name)));
      else if (readers === 'group') checks.push(warn('key.exposure', null, msg.keyReadableByGroup(path, input.names.group(file.gid), reader.name)));
      else checks.push(ok('key.exposure', null, msg.keyNotExposed()));
    }
  }
  return privateKey === undefined ? { checks } : { checks, privateKey };
}

function keyTypeCheck(path: string, type: string, blob: Buffer, user: string): Check {
  const print = fingerprint(blob);
  switch (type) {
    case 'ssh-ed25519':
    case 'ecdsa-sha2-nistp256':
    case 'ecdsa-sha2-nistp384':
    case 'ecdsa-sha2-nistp521':
      return ok('key.type', null, msg.keyTypeOk(type, print));
    case 'ssh-rsa': {
      const bits = rsaBits(blob) ?? 0;
      if (bits < RSA_REFUSED_BELOW) return fail('key.type', null, msg.keyRsaRefused(path, bits, user));
      if (bits < RSA_ADVISED_BITS) return warn('key.type', null, msg.keyRsaWeak(path, bits, user));
      return ok('key.type', null, msg.keyTypeOk(`${type} ${bits} bits`, print));
    }
    case 'ssh-dss':
      return fail('key.type', null, msg.keyDsa(path, user));
    default:
      return fail('key.type', null, msg.keyTypeUnsupported(path, type, user));
  }
}
