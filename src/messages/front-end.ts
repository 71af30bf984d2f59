// This machine (the front end), before every build and in the checks: the run directory, the build
// key, known_hosts, the build user, ssh, emerge, distcc, the compiler, the masquerade directory, package.env.

import { printable, quote } from '../errors.js';
import { plural, type Problem } from './common.js';

export const runDirUnsafe = (path: string): Problem => [
  `run directory base ${quote(path)} is not a private directory owned by this user`,
  `remove it or fix its owner and mode (0755, not group- or world-writable)`,
];

export const keyMissing = (path: string): Problem => [
  `SSH key ${quote(path)} does not exist`,
  `create it with: ssh-keygen -t ed25519 -N '' -f ${path}, then add the .pub to each node's /etc/distcc/.ssh/authorized_keys`,
];

export const keyUnreadable = (path: string, reason: string): Problem => [
  `SSH key ${quote(path)} cannot be read: ${reason}`,
  'check its owner and mode (portage:portage 0600 as in the Gentoo wiki recipe)',
];

export const keyUnusable = (path: string, reason: string): Problem => [
  `SSH key ${quote(path)} is not usable: ${reason}`,
  `use a passphrase-less ed25519 key: ssh-keygen -t ed25519 -N '' -f ${path}`,
];

export const knownHostsMissing = (path: string): Problem => [
  `known_hosts file ${quote(path)} does not exist`,
  "collect the nodes' host keys with ssh-keyscan, check their fingerprints, and write them there",
];

export const unsafeSshPath = (what: string, path: string, reason: string): Problem => [
  `${what} path ${quote(path)} ${reason}`,
  'use an absolute path without whitespace, quotes or backslashes',
];

// Why a path that reaches ssh's option parser is unsafe: the reason of unsafeSshPath.
export const sshPathNotAbsolute = (): string => 'is not an absolute path';
export const sshPathSplits = (): string => 'contains whitespace, a quote or a backslash';
export const sshPathControlChar = (): string => 'contains a control character';

export const sshMissing = (): Problem => ['ssh was not found in PATH', 'install OpenSSH (net-misc/openssh)'];

export const emergeMissing = (program: string): Problem => [
  `emerge program ${quote(program)} was not found`,
  'install Portage, or set emerge = "/path" in demerge.conf or DEMERGE_EMERGE',
];

export const buildUserMissing = (user: string): Problem => [
  `build user ${quote(user)} does not exist`,
  'create it (acct-user/portage) or set build_user in demerge.conf',
];

// The checks of this machine (demerge --dry-check, and the checks before every build).

const siblingKey = (path: string): string => {
  const dir = path.includes('/') ? path.slice(0, path.lastIndexOf('/')) || '/' : '.';
  const next = `${dir === '/' ? '' : dir}/id_ed25519`;
  return next === path ? `${path}.new` : next;
};
const newKeyFix = (path: string, user: string): string => {
  const next = siblingKey(path);
  return `make an ed25519 key: ssh-keygen -t ed25519 -N '' -f ${next} && chown ${user}: ${next}; on every node put ${next}.pub in place of the old key's line in ~distcc/.ssh/authorized_keys; set key = "${next}" in demerge.conf`;
};

export const buildUserIsCaller = (name: string): string => `not run as root: the build and its ssh run as ${name}`;

export const buildUserOk = (name: string, uid: number): string =>
  `build user ${name} (uid ${uid}) exists; distcc's ssh runs as ${name} under Portage's userpriv`;

export const keyFileOk = (path: string, owner: string, mode: string): string => `${path}: owner ${owner}, mode ${mode}`;

export const keyNotAFile = (path: string): Problem => [`SSH key ${quote(path)} is not a regular file`, 'point key = in demerge.conf at the private key file'];

// A key with a passphrase: the build cannot type it, so the ssh-agent of the user running demerge
// (keychain's, say) must hold the key; demerge bridges it to the build user for the run.

const agentRecipe = (path: string): string =>
  `load it into an agent and run demerge from that shell: eval "$(keychain --eval --agents ssh ${path})" (or eval "$(ssh-agent)" && ssh-add ${path}); or remove the passphrase: ssh-keygen -p -N '' -f ${path}`;

export const keyNoAgent = (path: string): Problem => [
  `SSH key ${quote(path)} has a passphrase and SSH_AUTH_SOCK is not set: the build runs without a terminal, so only an ssh-agent holding the key can sign its logins`,
  agentRecipe(path),
];

const AGENT_FAILURES: Record<string, string> = {
  ENOENT: 'no such socket: the agent has ended',
  ECONNREFUSED: 'nothing listens there: the agent has ended',
  EACCES: "permission denied: the socket is another user's",
  ETIMEDOUT: 'it does not answer',
  EPROTO: 'it does not answer as an ssh-agent',
};

export const keyAgentUnreachable = (path: string, socket: string, code: string): Problem => [
  `SSH key ${quote(path)} has a passphrase, and the ssh-agent at SSH_AUTH_SOCK=${quote(socket)} cannot be asked for it: ${AGENT_FAILURES[code] ?? code}`,
  `start the agent again and run demerge from its shell: ${agentRecipe(path)}`,
];

export const keyAgentLacks = (path: string, fingerprintText: string, socket: string): Problem => [
  `SSH key ${quote(path)} (${fingerprintText}) has a passphrase and the ssh-agent at ${quote(socket)} does not hold it: load it with ssh-add ${path}`,
  `ssh-add ${path} (it asks for the passphrase once), then run demerge again from the same shell`,
];

export const keyAgentHolds = (fingerprintText: string, socket: string): string =>
  `a passphrase, and the ssh-agent at ${socket} holds the key (${fingerprintText}): demerge and the build sign through it, with this key only`;

export const keyEncryptedNoPublic = (path: string): Problem => [
  `SSH key ${quote(path)} has a passphrase, and neither the key file nor ${path}.pub tells its public half, which an agent's keys are matched by`,
  `write it beside the key: ssh-keygen -y -f ${path} > ${path}.pub (it asks for the passphrase)`,
];

export const keyNotParsed = (path: string, reason: string): Problem => [
  `SSH key ${quote(path)} cannot be read as a private key: ${printable(reason)}`,
  `point key = in demerge.conf at an OpenSSH private key (ssh-keygen -t ed25519 -N '' makes one)`,
];

export const keyNotPrivate = (path: string): Problem => [
  `${quote(path)} is a public key, not the private key`,
  'point key = in demerge.conf at the private half (the same name without .pub)',
];

export const keyTypeOk = (type: string, fingerprintText: string): string => `${type} key ${fingerprintText}`;

export const keyNoPassphrase = (): string => 'no passphrase: usable without a terminal';

export const keyRsaRefused = (path: string, bits: number, user = 'portage'): Problem => [
  `RSA key ${quote(path)} has ${bits} bits: OpenSSH refuses RSA keys under 1024 bits`,
  newKeyFix(path, user),
];

export const keyRsaWeak = (path: string, bits: number, user = 'portage'): Problem => [
  `RSA key ${quote(path)} has ${bits} bits, under the 3072 advised today`,
  newKeyFix(path, user),
];

export const keyDsa = (path: string, user = 'portage'): Problem => [
  `${quote(path)} is a DSA key: OpenSSH turned DSA off in 7.0 and removed it in 10.0, so the nodes refuse it`,
  `${newKeyFix(path, user)}; then delete the DSA key`,
];

export const keyTypeUnsupported = (path: string, type: string, user = 'portage'): Problem => [
  `${quote(path)} is a ${printable(type)} key, which an unattended build cannot use`,
  newKeyFix(path, user),
];

export const keyModeRefused = (path: string, mode: string, user: string): Problem => [
  `SSH key ${quote(path)} has mode ${mode} and belongs to ${user}: ssh refuses it ("UNPROTECTED PRIVATE KEY FILE"), so every remote job would fail`,
  `chmod 0600 ${path}`,
];

export const keyModeAccepted = (mode: string, owner: string, user: string): string => `mode ${mode}, owner ${owner}: ssh running as ${user} accepts it`;

export const keyNotReadableByBuildUser = (path: string, user: string, code: string): Problem => [
  `the build user ${user} cannot read the SSH key ${quote(path)} (${code}): every remote job would fail`,
  `chown ${user}: ${path} && chmod 0600 ${path}, and let ${user} enter every directory above it (chmod o+x)`,
];

export const keyReadableByBuildUser = (user: string): string => `readable by ${user}`;

export const keyReadableByOthers = (path: string, mode: string, user: string): Problem => [
  `SSH key ${quote(path)} (mode ${mode}) is readable by every user of this machine, who could log in to the nodes with it`,
  `chown ${user}: ${path} && chmod 0600 ${path}`,
];

export const keyReadableByGroup = (path: string, group: string, user: string): Problem => [
  `SSH key ${quote(path)} is readable by the group ${group}, not only by ${user}`,
  `chown ${user}: ${path} && chmod 0600 ${path}`,
];

export const keyNotExposed = (): string => 'no other user can read it';

export const knownHostsUnreadable = (path: string, code: string): Problem => [
  `known_hosts file ${quote(path)} cannot be read: ${code}`,
  `make it a readable file: chmod 0644 ${path}`,
];

export const knownHostsNotAFile = (path: string): Problem => [
  `known_hosts ${quote(path)} is not a regular file`,
  'point known_hosts = in demerge.conf at a file of host keys',
];

export const knownHostsOk = (path: string, entries: number): string => `${path}: ${plural(entries, 'entry', 'entries')}`;

export const knownHostsNotReadableByBuildUser = (path: string, user: string, code: string): Problem => [
  `the build user ${user} cannot read known_hosts ${quote(path)} (${code}): its ssh would refuse every node`,
  `chmod 0644 ${path} (host keys are public) and let ${user} enter every directory above it (chmod o+x)`,
];

export const knownHostsReadableByBuildUser = (user: string): string => `readable by ${user}`;

export const knownHostsWritable = (path: string, mode: string): Problem => [
  `known_hosts ${quote(path)} (mode ${mode}) is writable by others: anyone could add a key and pose as a node`,
  `chmod go-w ${path}`,
];

export const toolFound = (tool: string, path: string): string => `${tool} at ${path}`;

export const distccMissing = (): Problem => ['distcc was not found in PATH', 'install distcc (Gentoo: emerge --ask sys-devel/distcc)'];

export const frontCompilerMissing = (reason: string): Problem => [
  `the front end's compiler cannot be asked: ${printable(reason)}`,
  'install gcc (Gentoo: sys-devel/gcc) and select it with gcc-config',
];

export const frontCompilerOk = (name: string, version: string, machine: string): string => `${name} ${version}, target ${machine}: every node must match it`;

export const masqueradeDirMissing = (): Problem => [
  'no distcc masquerade directory (/usr/lib*/distcc[/bin]): Portage would drop FEATURES=distcc and build everything locally',
  'reinstall distcc, or create the links: distcc-config --update-masquerade (Gentoo)',
];

export const masqueradeLinkMissing = (dir: string, name: string): Problem => [
  `${dir} has no ${name}: make would find the real compiler first and compile every job locally`,
  `distcc-config --update-masquerade (Gentoo), or: ln -s /usr/bin/distcc ${dir}/${name}`,
];

export const chostDiffers = (chost: string, gccTarget: string): Problem => [
  `Portage's CHOST is ${quote(chost)} but gcc -dumpmachine says ${quote(gccTarget)}: the nodes were checked for ${gccTarget}-gcc`,
  "run demerge --dry-check, which checks them for Portage's CHOST",
];

export const masqueradeOk = (dir: string): string => `masquerade directory ${dir}: Portage puts it first in PATH`;

export const noPackageEnvOptOuts = (): string => 'no package.env opt-out of distcc or MAKEOPTS';

export const packageEnvOptOut = (file: string, line: number, setting: string, atoms: readonly string[]): Problem => {
  const shown = atoms.length > 3 ? `${atoms.slice(0, 3).join(', ')} and ${atoms.length - 3} more` : atoms.join(', ');
  return [
    `${file}:${line} sets ${printable(setting)}${atoms.length === 0 ? '' : ` for ${printable(shown)}`}, but demerge's environment beats package.env: it has no effect under demerge`,
    `build ${atoms.length === 0 ? 'those packages' : printable(shown)} with plain emerge (emerge --oneshot ATOM) when they must not use distcc`,
  ];
};
