// demerge setup and demerge trust: the build key, the nodes' accounts, the host keys, and the reports,
// questions and task titles of both.

import { printable, quote } from '../errors.js';
import type { Problem } from './common.js';

export const noSetupTargets = (command: string): Problem => [
  `demerge ${command} has no node to work on: none named and none in the configuration`,
  `name them (demerge ${command} HOST...) or add [[node]] tables to /etc/demerge.conf`,
];

export const rootBuildAccount = (node: string): Problem => [
  `node ${quote(node)} is configured with user = "root": setup does not turn root into the build account`,
  "use the recipe's distcc account (leave user out of demerge.conf)",
];

export const sshKeygenMissing = (): Problem => ['ssh-keygen was not found in PATH', 'install OpenSSH (net-misc/openssh)'];

export const setupCannotWrite = (path: string, code: string): Problem => [
  `cannot change ${quote(path)}: ${code}`,
  'run demerge setup and demerge trust as root (the files belong to the build user or to root)',
];

export const notADirectory = (path: string, what: string): Problem => [
  `${quote(path)}, on the way to ${what}, is not a directory`,
  'choose another path in demerge.conf, or move that file away',
];

export const dirNotSearchable = (dir: string, user: string, what: string): Problem => [
  `the build user ${user} cannot enter ${quote(dir)}, so the build could not read ${what}`,
  `allow it (chmod o+x ${dir}) or choose another path in demerge.conf`,
];

export const keygenFailed = (key: string, detail: string): Problem => [
  `ssh-keygen could not create the build key ${quote(key)}: ${detail}`,
  'check that the directory is writable and that ssh-keygen (OpenSSH) works',
];

export const keyNotReplaced = (key: string, reason: string): Problem => [
  `the existing key ${quote(key)} is not usable by the build (${reason}) and setup does not overwrite keys`,
  'move it away, or replace it with demerge setup key --force (then run demerge setup node again)',
];

export const dsaAsideExists = (key: string, aside: string): Problem => [
  `the DSA key ${quote(key)} cannot be kept aside: ${quote(aside)} already exists`,
  `move ${aside} away, then run demerge setup key again`,
];

export const setupKeyFirst = (key: string): Problem => [`the build key ${quote(key)} does not exist`, 'create it first: demerge setup key'];

export const keyIsDsa = (key: string): Problem => [
  `the build key ${quote(key)} is a DSA key, which OpenSSH no longer accepts`,
  'replace it with demerge setup key (the DSA key is kept aside), then run setup node again',
];

export const createdDir = (dir: string): string => `created the directory ${dir} (0755)`;

export const createdFile = (path: string): string => `created ${path}`;

export const keyCreated = (key: string, user: string): string => `created an ed25519 key without passphrase (${user}:${user} 0600) and ${key}.pub`;

export const keyCreatedWithPassphrase = (key: string, user: string): string =>
  `created an ed25519 key with a passphrase (${user}:${user} 0600, OpenSSH's format: aes256-ctr, bcrypt 16 rounds) and ${key}.pub`;

export const keyReplacedWithPassphrase = (key: string): string => `replaced the key with a new ed25519 key with a passphrase (--force); ${key}.pub too`;

export const loadKeyIntoAgent = (key: string): string =>
  `the build signs with this key only through root's ssh-agent: load it there with ssh-add ${key}, or with keychain put eval "$(keychain --eval --agents ssh ${key})" in root's shell profile, and run demerge from that shell (demerge --dry-check tells whether the agent holds it)`;

export const keyWithoutPassphraseKept = (key: string): Problem => [
  `the build key ${quote(key)} exists without a passphrase, and the nodes trust it: setup does not replace it`,
  `give it a passphrase: ssh-keygen -p -f ${key} (it asks for it), or make a new key with demerge setup key --force --passphrase, then run demerge setup node again`,
];

export const keyPublicHalfUnknown = (): string => 'it has a passphrase, and neither the file nor its .pub tells its public half';

export const passphraseNeedsTerminal = (): Problem => [
  'setup key --passphrase asks for the passphrase at a terminal, and there is none',
  'run it at a terminal (the passphrase is never taken from the command line or the environment, where other users could read it)',
];

export const passphraseQuestion = (key: string): string => `Passphrase for the new build key ${key}: `;

export const passphraseAgain = (): string => 'The same passphrase again: ';

export const passphraseEmpty = (): Problem => [
  'the passphrase is empty: nothing was written',
  'type a passphrase, or run demerge setup key without --passphrase for a key without one',
];

export const passphraseMismatch = (): Problem => ['the two passphrases differ: nothing was written', 'run demerge setup key --passphrase again'];

export const passphraseAborted = (): Problem => ['no passphrase given: nothing was written', 'run demerge setup key --passphrase again'];

export const keyReplaced = (key: string): string => `replaced the key with a new ed25519 key (--force); ${key}.pub too`;

export const dsaMigrated = (aside: string): string => `replaced the DSA key with a new ed25519 key; the DSA key is kept as ${aside}`;

export const pushNewKey = (): string => 'the nodes still know the old key: run demerge setup node for each of them (or demerge setup) to push the new one';

export const keyModeFixed = (key: string, before: string, user: string): string =>
  `set owner and mode of ${key} to ${user}:${user} 0600 (was ${before}), as the build needs`;

export const pubRewritten = (path: string): string => `rewrote ${path} from the private key`;

export const madeReadable = (path: string, user: string): string => `made ${path} readable by the build user ${user}`;

/** Why `setup node` failed on a node: ssh's own exit 255 is the login, anything else the script. */
export const nodeScriptFailed = (admin: string, host: string, exitCode: number, detail: string): string => {
  let fix = `demerge setup node --print ${host} shows the commands to run there by hand`;
  if (/host key verification failed|host identification has changed/i.test(detail)) {
    fix = `trust the node's host key first (demerge trust ${host}), or add it to your own known_hosts`;
  } else if (/permission denied|too many authentication failures/i.test(detail)) {
    fix = `check that ssh ${admin}@${host} works for you: load your key into ssh-agent or give --admin-key=FILE`;
  } else if (/password is required|sudo:/i.test(detail)) {
    fix = `give ${admin} password-less sudo on the node, log in as root, or run the output of demerge setup node --print ${host} yourself`;
  }
  const what = exitCode === 255 ? `the admin login ${admin}@${host} failed` : `the setup script failed on the node (exit ${exitCode})`;
  return `${what}: ${printable(detail.slice(0, 300))} (${fix})`;
};

export const nodeScriptCutShort = (): string => 'the setup script stopped before its end without an error (run it again; demerge setup node --print shows it)';

export const printedScriptHeader = (host: string, admin: string): string =>
  `# ---- node ${host}: run as root there, e.g. ssh ${admin}@${host} ${admin === 'root' ? 'sh -s' : 'sudo sh -s'} < this-part`;

export const hostKeyUnavailable = (detail: string): string => `cannot get the host key: ${printable(detail)}`;

export const hostKeyUnknownType = (): string => 'the node presented a host key of a type demerge does not know';

export const fingerprintMismatch = (actual: string, pins: readonly string[]): string =>
  `the host key is ${actual}, not the pinned ${pins.join(' or ')} (check the fingerprint on the node: ssh-keygen -lf /etc/ssh/ssh_host_ed25519_key.pub)`;

export const knownHostsWildcard = (line: number): string =>
  `known_hosts line ${line} names this node through a wildcard with another key: edit that line by hand`;

export const trustNeedsTerminal = (name: string): string =>
  `not trusted: there is no terminal to confirm the key (compare it with ssh-keygen -lf on the node, then run demerge trust ${name} --fingerprint=SHA256:...)`;

export const trustQuestion = (name: string): string =>
  `Is this the host key of ${name}? Compare it with ssh-keygen -lf /etc/ssh/ssh_host_ed25519_key.pub run on the node. Trust it for the build?`;

export const trustDeclined = (): string => 'not trusted (answered no)';

export const replaceNeedsConfirmation = (name: string, lines: readonly number[]): string =>
  `known_hosts already holds a DIFFERENT key for ${name} (line ${lines.join(', ')}): if the node's key really changed, run demerge trust ${name} at a terminal, or pin it with --fingerprint and add --replace`;

export const replaceQuestion = (name: string, lines: readonly number[]): string =>
  `WARNING: known_hosts holds a DIFFERENT key for ${name} (line ${lines.join(', ')}). Replace it only if the node's key really changed (reinstall, new host key). Replace it?`;

export const hostKeyAdded = (fingerprintText: string): string => `trusted for the build: ${fingerprintText}`;

export const hostKeyReplaced = (fingerprintText: string): string => `replaced the old known_hosts entry with ${fingerprintText}`;

export const trustNothingWritten = (path: string): string => `demerge: nothing written to ${path}`;

/** `subject: change; change` or `subject: already fine`. */
export const stepReportLine = (subject: string, changes: readonly string[]): string =>
  `${subject}: ${changes.length === 0 ? 'already fine' : changes.join('; ')}`;

export const stepNoteLine = (subject: string, note: string): string => `${subject}: note: ${note}`;

export const stepErrorLine = (subject: string, error: string): string => `demerge: ${subject}: ${error}`;

// Task titles of `demerge setup` (listr2).
export const setupTaskKey = (path: string): string => `Build key ${path}`;
export const setupTaskHostKeys = (count: number): string => `Host keys of ${count} node${count === 1 ? '' : 's'}`;
export const setupTaskHostKey = (fingerprintLine: string, trusted: boolean): string => `${fingerprintLine}: ${trusted ? 'already trusted' : 'to be confirmed'}`;
export const setupTaskKnownHosts = (path: string): string => `known_hosts ${path}`;
export const setupTaskNodes = (count: number): string => `${count} node${count === 1 ? '' : 's'}`;
export const setupTaskNote = (note: string): string => `note: ${note}`;
