// Each compile node, in the checks of demerge --dry-check and of every build: TCP, host key, login,
// the node's shell, distccd and compiler, its CPUs, the lzo suggestion and the trial compile.

import { printable, quote } from '../errors.js';
import { plural, type Problem } from './common.js';

const keyscan = (host: string, port: number): string => `ssh-keyscan ${port === 22 ? '' : `-p ${port} `}${host}`;

export const duplicateHost = (host: string, first: string): Problem => [
  `host ${quote(host)} is already node ${quote(first)}: DISTCC_HOSTS and the run's ssh_config name ssh nodes by host, not by port, so both would reach the same one`,
  'give each node its own host name or address (an alias in /etc/hosts works)',
];

export const tcpOk = (port: number, rttMs: number): string => `port ${port} answers, round trip ${rttMs.toFixed(1)} ms (TCP connect)`;

export const tcpRefused = (host: string, port: number): Problem => [
  `connection refused: nothing listens on ${host} port ${port} (is sshd running on the node?)`,
  `start sshd on the node (rc-service sshd start, or systemctl start sshd), or fix port = in demerge.conf`,
];

export const tcpTimeout = (host: string, port: number, seconds: number): Problem => [
  `no answer from ${host} port ${port} within ${seconds} s: the node is down, unreachable, or a firewall drops the packets`,
  `check that the node is up and reachable (ping ${host}) and that its firewall lets port ${port}/tcp in from this machine`,
];

export const tcpUnresolved = (host: string): Problem => [
  `the host name ${quote(host)} does not resolve`,
  'fix host = in demerge.conf, or add the name to DNS or /etc/hosts',
];

export const tcpUnreachable = (host: string, code: string): Problem => [
  `no route to ${host} (${code}): the node or its network is down`,
  `check the node's network link and this machine's route to it (ip route get ${host})`,
];

export const tcpError = (host: string, port: number, code: string): Problem => [
  `cannot connect to ${host} port ${port}: ${printable(code)}`,
  "check the node's network and sshd",
];

export const hostKeyOk = (): string => 'host key matches known_hosts';

export const hostKeyUnknown = (entry: string, fingerprintText: string, node: { host: string; port: number }, knownHosts: string): Problem => [
  `known_hosts has no entry for ${entry}; the node presents ${fingerprintText}`,
  `on the node, check that ssh-keygen -lf /etc/ssh/ssh_host_ed25519_key.pub shows ${fingerprintText}; then add it: ${keyscan(node.host, node.port)} >> ${knownHosts} (or demerge trust ${node.host})`,
];

export const hostKeyChanged = (entry: string, fingerprintText: string, node: { host: string; port: number }, knownHosts: string): Problem => [
  `HOST KEY CHANGED for ${entry}: the node presents ${fingerprintText}, which known_hosts does not hold for it. Someone may be intercepting the connection (man-in-the-middle), or the node was reinstalled; the node is not used`,
  `at the node's console run ssh-keygen -lf /etc/ssh/ssh_host_ed25519_key.pub; only if it shows ${fingerprintText}, replace the old entry: ssh-keygen -R '${entry}' -f ${knownHosts} && ${keyscan(node.host, node.port)} >> ${knownHosts}`,
];

export const hostKeyRevokedCheck = (entry: string, fingerprintText: string, knownHosts: string): Problem => [
  `the host key ${fingerprintText} of ${entry} is marked @revoked in ${knownHosts}`,
  'give the node a new host key (on the node: remove /etc/ssh/ssh_host_*_key*, run ssh-keygen -A, restart sshd) and add it to known_hosts',
];

export const loginOk = (user: string, ms: number): string => `key login as ${user} in ${ms} ms`;

export const loginNotTried = (): Problem => ['key login not tried: the front end has no usable build key', 'fix the key first (see the key checks above)'];

export const loginRefused = (node: { user: string }, key: string): Problem => [
  `the node refused the key for ${node.user}: refused key or locked account (only the node's sshd log tells which)`,
  `on the node, read sshd's log (journalctl -u sshd, /var/log/auth.log or /var/log/messages): "account is locked" means usermod -U ${node.user}; otherwise append ${key}.pub to ~${node.user}/.ssh/authorized_keys (owned by ${node.user}, mode 0600)`,
];

export const loginTimeout = (user: string, seconds: number): Problem => [
  `TCP connected, but the login as ${user} did not finish within ${seconds} s`,
  "check the node's load and sshd (MaxStartups; UseDNS no if name lookups are slow), or raise connect_timeout in demerge.conf",
];

export const loginClosed = (user: string, detail: string): Problem => [
  `the node closed the connection during the login as ${user} (${printable(detail)})`,
  "read sshd's log on the node: MaxStartups, AllowUsers/DenyUsers or a TCP wrapper may turn this machine away",
];

export const loginError = (user: string, detail: string): Problem => [`the login as ${user} failed: ${printable(detail)}`, "read sshd's log on the node"];

// A forced command of `setup node --restrict` allows the probe: it runs as sent then too.
export const nodeExecOk = (user: string): string => `commands run as ${user} (the probe ran as sent)`;

export const nodeShellNologin = (user: string): Problem => [
  `the key login works, but the login shell of ${user} is nologin ("This account is currently not available"): distcc's ssh runs distccd through that shell`,
  `on the node: usermod -s /bin/sh ${user}`,
];

export const nodeForcedCommand = (user: string, compiler: { name: string; version: string; machine: string } | undefined, timedOutAfter?: number): Problem => [
  `the key login as ${user} runs a forced command (command= in authorized_keys) instead of ours${
    timedOutAfter === undefined ? '' : ` (no answer within ${timedOutAfter} s)`
  }: distccd, the compiler and the CPUs could not be read`,
  `demerge --dry-check's trial compile shows whether distcc gets through it; check the compiler by hand on the node: ${
    compiler === undefined
      ? 'gcc -dumpfullversion -dumpmachine'
      : `${compiler.name} -dumpfullversion -dumpmachine must print ${compiler.version} and ${compiler.machine}`
  }`,
];

export const nodeProbeLost = (detail: string | undefined): Problem => [
  `the connection to the node ended before the probe answered${detail === undefined ? '' : `: ${printable(detail.slice(0, 200))}`}`,
  'check that the node stays up and reachable (its sshd, link and load), then run the dry check again',
];

export const nodeProbeCut = (seconds: number, stderr: string): Problem => {
  const last = stderr.trim().split('\n').at(-1) ?? '';
  return [
    `the probe on the node did not finish within ${seconds} s${last === '' ? '' : `: ${printable(last)}`}`,
    "check the node's load and the start-up files of the distcc user's shell (~/.bashrc)",
  ];
};

export const nodeDistccdMissing = (distccd: string, user: string): Problem => [
  `${printable(distccd)} is not in the PATH of ${user} on the node: every job would fail there and compile locally`,
  'install distcc on the node (Gentoo: emerge --ask sys-devel/distcc), or set command = "/path/to/distccd" for this node in demerge.conf',
];

export const nodeDistccdOk = (path: string, version: string): string => `distccd ${printable(version)} at ${printable(path)}`;

type FrontCompilerText = { version: string; machine: string };
const majorOf = (version: string): string => version.split('.')[0] ?? version;
const installGcc = (front: FrontCompilerText): string =>
  `install gcc ${majorOf(front.version)} for ${front.machine} on the node (Gentoo: emerge --ask sys-devel/gcc:${majorOf(front.version)}, then gcc-config)`;

export const nodeCompilerMissing = (name: string, front: FrontCompilerText): Problem => [
  `${name} is missing on the node: distcc asks for the compiler by that name`,
  installGcc(front),
];

export const nodeCompilerBroken = (name: string, path: string, front: FrontCompilerText): Problem => [
  `${name} at ${printable(path)} on the node does not answer -dumpfullversion and -dumpmachine`,
  installGcc(front),
];

export const nodeCompilerTarget = (name: string, machine: string, front: FrontCompilerText): Problem => [
  `${name} on the node builds for ${printable(machine)}, the front end for ${front.machine}: its objects would be wrong`,
  `give the node a ${front.machine} compiler named ${name} (another architecture: crossdev --target ${front.machine})`,
];

export const nodeCompilerMajor = (name: string, version: string, front: FrontCompilerText): Problem => [
  `${name} on the node is version ${printable(version)}, the front end's ${front.version}: another major version makes different objects`,
  installGcc(front),
];

export const nodeCompilerMinor = (name: string, version: string, front: FrontCompilerText): Problem => [
  `${name} on the node is version ${printable(version)}, the front end's ${front.version}: same major version, compatible objects`,
  `update gcc on one side so that both run ${front.version}`,
];

export const nodeCompilerOk = (name: string, version: string, machine: string): string =>
  `${name} ${printable(version)}, target ${printable(machine)}: same as the front end`;

export const nodeCpusOk = (cpus: number, load: number | undefined, slots: number, suggested: number | undefined): string =>
  `${plural(cpus, 'CPU')}${load === undefined ? '' : `, load ${load.toFixed(2)}`}: slots = ${slots}${suggested === undefined ? '' : ` (suggested ${suggested})`}`;

export const nodeSlotsAboveCpus = (slots: number, cpus: number, load: number | undefined): Problem => [
  `slots = ${slots}, but the node has ${plural(cpus, 'CPU')}${load === undefined ? '' : ` (load ${load.toFixed(2)})`}: jobs would queue there while they could run locally`,
  `set slots = ${cpus} for this node in demerge.conf`,
];

export const trialOk = (compiler: string, ms: number): string =>
  `compiled a test file with ${compiler} on the node, by distcc as the build user over the node's ssh connection, in ${ms} ms`;

/** Where the lzo suggestion says to write the change: demerge.conf, or distcc's own hosts file. */
export type LzoConfigPlace = { kind: 'conf'; path: string; host: string; options: readonly string[] } | { kind: 'hosts'; path: string; spec: string };

export const nodeLzoSuggested = (rttMs: number, thresholdMs: number, place: LzoConfigPlace): string =>
  `round trip ${rttMs} ms (${thresholdMs} ms or more): distcc's lzo compression would likely make jobs to this node faster; suggestion: ${
    place.kind === 'conf'
      ? `in ${place.path}, add options = [${place.options.map((option) => `"${option}"`).join(', ')}] to the [[node]] table with host = "${place.host}"`
      : `in ${place.path}, write this node as ${place.spec}`
  } (optional)`;

export const trialTimeout = (compiler: string, seconds: number): Problem => [
  `the trial compile with ${compiler} did not finish within ${seconds} s`,
  "check the node's load and distccd; try it by hand as the build user with DISTCC_VERBOSE=1",
];

export const trialHostKey = (host: string): Problem => [
  `the build's ssh refused the host key of ${host} ("Host key verification failed")`,
  'let the build user read known_hosts and make sure it holds this node (see the known_hosts checks)',
];

export const trialKeyPermissions = (): Problem => [
  'the build\'s ssh refused the key file\'s permissions ("UNPROTECTED PRIVATE KEY FILE")',
  'chmod 0600 the key (see the key checks)',
];

export const trialKeyUnreadable = (path: string): Problem => [
  `the build's ssh cannot load the key ${printable(path)}`,
  'let the build user read it: chown BUILD_USER: KEY && chmod 0600 KEY (see the key checks)',
];

export const trialLoginRefused = (user: string): Problem => [
  `the build's ssh was refused as ${user} ("Permission denied (publickey)")`,
  "read sshd's log on the node (see the login check)",
];

export const trialWhitelist = (compiler: string): Problem => [
  `the node's distccd refused ${compiler}: it is not in the node's compiler whitelist (/usr/lib/distcc), which applies because the key's forced command runs distccd without --enable-tcp-insecure`,
  `on the node: ln -s /usr/bin/distcc /usr/lib/distcc/${compiler} (Gentoo: distcc-config --update-masquerade), or add --enable-tcp-insecure to the key's command= in ~distcc/.ssh/authorized_keys`,
];

export const trialTunnelWhitelist = (compiler: string): Problem => [
  `the node's distccd refused ${compiler}: it is not in the node's compiler whitelist (/usr/lib/distcc), which the run-scoped distccd of transport = "tunnel" keeps on`,
  `on the node: ln -s /usr/bin/distcc /usr/lib/distcc/${compiler} (Gentoo: distcc-config --update-masquerade)`,
];

export const trialTunnelForcedCommand = (user: string): Problem => [
  `the key's forced command (command= in ~${user}/.ssh/authorized_keys) runs instead of demerge's tunnel: with transport = "tunnel" (the default) the build could not reach this node's distccd`,
  'let demerge write the forced command (demerge setup node --restrict HOST), or set transport = "ssh" in demerge.conf to keep the recipe\'s command="distccd --inetd"',
];

export const trialForwardingRefused = (): Problem => [
  'the node refuses to forward to a unix socket of the login user, which transport = "tunnel" needs for every job',
  'allow it for the build key (sshd AllowStreamLocalForwarding; no restrict, no-port-forwarding or permitopen of your own in authorized_keys), or run demerge setup node --restrict (its key opens the node service\'s TCP entrance instead), or set transport = "ssh"',
];

export const trialCompilerMissing = (compiler: string, user: string): Problem => [
  `the node has no ${compiler} in the PATH of ${user}`,
  `install the front end's compiler on the node under the name ${compiler}`,
];

export const trialConnect = (text: string): Problem => [`the build's ssh could not connect: ${printable(text)}`, 'see the TCP check of this node'];

export const trialFailed = (compiler: string, line: string): Problem => [
  `the trial compile with ${compiler} failed: ${printable(line)}`,
  "try it by hand as the build user with DISTCC_VERBOSE=1 and read the node's sshd log",
];

export const trialSetupFailed = (message: string): Problem => [
  `the trial compile could not be prepared: ${printable(message)}`,
  'check that /run/demerge (or $TMPDIR for a non-root run) is writable',
];

export const trialNoAnswer = (compiler: string): Problem => [
  `the node's distccd hung up on the trial compile with ${compiler} without an answer`,
  "read distccd's messages on the node (syslog, or run distccd --inetd --log-stderr by hand) and its sshd log",
];

/** The tunnel's node service: its node-wide slots and what other runs (any front end) hold now. */
export const nodeSharedSlots = (slots: number, others: { jobs: number; waiting: number; runs: number }): string =>
  others.runs === 0
    ? `${slots} slots, shared by every demerge run on the node: no other run holds any now`
    : `${slots} slots, shared by every demerge run on the node: ${others.runs} other run${others.runs === 1 ? '' : 's'} hold${others.runs === 1 ? 's' : ''} ${others.jobs} now${others.waiting > 0 ? `, ${others.waiting} more waiting` : ''}`;
