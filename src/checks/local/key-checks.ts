import * as msg from '../../messages.js';
import { readKeyFile } from '../../ssh/key-file.js';
import { fail, ok, warn, type Check } from '../types.js';
import type { Identity, ReadResult, StatResult } from './file-facts.js';
import { fingerprint, keyInfo, rsaBits } from '../../ssh/key-blob.js';
import { keyReaders, octal, sshRefusesKeyMode } from './key-perm.js';
import type { Names } from './names.js';

// The build key, as ssh running as the build user will meet it: there, of a type current OpenSSH
// accepts, with permissions ssh accepts, readable by the build user, and kept from everyone
// else; without a passphrase, or else held by an ssh-agent (agent-check.ts asks it).

export interface KeyInput {
  path: string;
  stat: StatResult;
  /** The key as the invoking user reads it (for the probes, which sign in-process). */
  data: ReadResult | undefined;
  /** The key as the build user reads it; undefined when the build user is unknown. */
  asBuildUser: ReadResult | undefined;
  buildUser: Identity | undefined;
  /** The .pub beside the key, for a key with a passphrase whose file does not tell its public half. */
  readPub?: () => string | undefined;
  names: Names;
}

export interface KeyOutcome {
  checks: Check[];
  /** The key's bytes when they can sign the probes' logins. */
  privateKey?: Buffer;
  /** A key with a passphrase, of a usable type: its public blob, for the agent to be asked about. */
  agentKey?: Buffer;
}

// OpenSSH 9.1's RequiredRSASize default; below it ssh refuses the key outright.
const RSA_REFUSED_BELOW = 1024;
const RSA_ADVISED_BITS = 3072;
// readKeyFile's reason for a public key.
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
  let agentKey: Buffer | undefined;

  if (input.data !== undefined && !input.data.ok) {
    checks.push(fail('key.type', null, msg.keyUnreadable(path, input.data.code)));
  } else if (input.data !== undefined) {
    const user = input.buildUser?.name ?? 'portage';
    const keyFile = readKeyFile(input.data.data, input.readPub ?? (() => undefined));
    if (keyFile.kind === 'encrypted') {
      // The passphrase check is the agent's answer, which agent-check.ts gets.
      const type = keyFile.publicKey === undefined ? undefined : keyInfo(keyFile.publicKey)?.type;
      if (keyFile.publicKey === undefined || type === undefined) checks.push(fail('key.passphrase', null, msg.keyEncryptedNoPublic(path)));
      else {
        const typeCheck = keyTypeCheck(path, type, keyFile.publicKey, user);
        checks.push(typeCheck);
        if (typeCheck.verdict !== 'fail') agentKey = keyFile.publicKey;
      }
    } else if (keyFile.kind === 'unusable') {
      const problem = keyFile.reason === NOT_PRIVATE ? msg.keyNotPrivate(path) : msg.keyNotParsed(path, keyFile.reason);
      checks.push(fail('key.type', null, problem));
    } else {
      const typeCheck = keyTypeCheck(path, keyFile.key.type, keyFile.key.getPublicSSH(), user);
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
  return { checks, ...(privateKey === undefined ? {} : { privateKey }), ...(agentKey === undefined ? {} : { agentKey }) };
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
