// Every sentence demerge says to a person lives here, so wording stays consistent and reviewable.
// Error helpers return [message, fix] for DemergeError; the rest return finished lines.

import { quote } from './errors.js';

type Problem = readonly [message: string, fix: string];

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
  'collect the nodes\' host keys with ssh-keyscan, check their fingerprints, and write them there',
];

export const unsafeSshPath = (what: string, path: string, reason: string): Problem => [
  `${what} path ${quote(path)} ${reason}`,
  'use an absolute path without whitespace, quotes or backslashes',
];

export const sshMissing = (): Problem => [
  'ssh was not found in PATH',
  'install OpenSSH (net-misc/openssh)',
];

export const emergeMissing = (program: string): Problem => [
  `emerge program ${quote(program)} was not found`,
  'install Portage, or set emerge = "/path" in demerge.conf or DEMERGE_EMERGE',
];

export const buildUserMissing = (user: string): Problem => [
  `build user ${quote(user)} does not exist`,
  'create it (acct-user/portage) or set build_user in demerge.conf',
];

export const noLiveNodeStrict = (): Problem => [
  'no compile node answered and --strict was given',
  'fix the nodes (demerge --dry-check says how) or run without --strict to build locally',
];

export const badOptionValue = (option: string, value: string, expected: string): Problem => [
  `option ${option} has an invalid value ${quote(value)}`,
  `give ${expected}`,
];

export const unknownDemergeOption = (option: string): Problem => [
  `${quote(option)} needs a value`,
  `write it as ${option}=VALUE`,
];

export const errorLine = (message: string, fix: string): string => `demerge: ${message} (${fix})`;

export const unexpectedErrorLine = (message: string): string =>
  `demerge: internal error: ${message} (please report it with the command line you used)`;

export const nodeLeftOut = (node: string, cause: string): string =>
  `demerge: warning: node ${quote(node)} left out of this run: ${cause}`;

export const noNodesConfigured = (): string =>
  'demerge: warning: no compile nodes are configured (/etc/demerge.conf or /etc/distcc/hosts): building locally';

export const noLiveNode = (): string =>
  'demerge: warning: no compile node answered: building locally, without distcc';

export const nodesReady = (live: number, total: number, slots: number): string =>
  `demerge: ${live} of ${total} node${total === 1 ? '' : 's'} ready, ${slots} remote slot${slots === 1 ? '' : 's'}`;

export const probing = (count: number): string => `checking ${count} compile node${count === 1 ? '' : 's'}`;

export const networkSandboxLifted = (): string =>
  'demerge: note: FEATURES=-network-sandbox for this run, since ssh cannot leave Portage\'s network sandbox';

export const runSummary = (distccHosts: string, makeopts: string): string =>
  `demerge: DISTCC_HOSTS="${distccHosts}" MAKEOPTS="${makeopts}"`;

export const makeoptsReplaced = (previous: string, next: string): string =>
  `demerge: note: MAKEOPTS ${quote(previous)} from the environment replaced by "${next}" for this run (use --make-jobs=N to choose -j)`;

export const warningLine = (message: string, fix: string): string => `demerge: warning: ${message} (${fix})`;
