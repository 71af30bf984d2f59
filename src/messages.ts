// Every sentence demerge says to a person lives here, so wording stays consistent and reviewable.
// Error helpers return [message, fix] for DemergeError; the rest return finished lines.

import { printable, quote } from './errors.js';

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
  'demerge: note: FEATURES=-network-sandbox for this run: transport = "ssh" starts ssh for every job inside the build, and ssh cannot leave Portage\'s network sandbox (transport = "tunnel", the default, keeps the sandbox on)';

export const runSummary = (distccHosts: string, makeopts: string): string =>
  `demerge: DISTCC_HOSTS="${distccHosts}" MAKEOPTS="${makeopts}"`;

export const makeoptsReplaced = (previous: string, next: string): string =>
  `demerge: note: MAKEOPTS ${quote(previous)} from the environment replaced by "${next}" for this run (use --make-jobs=N to choose -j)`;

export const warningLine = (message: string, fix: string): string => `demerge: warning: ${message} (${fix})`;

// ---- demerge setup / demerge trust (issue 6) ----

export const unknownSetupStep = (word: string): Problem => [
  `${quote(`setup ${word}`)} is not a setup step`,
  'use demerge setup key, demerge setup node HOST..., or demerge setup alone for the whole recipe',
];

export const setupTakesNoHosts = (step: string, word: string): Problem => [
  `demerge ${step} takes no host (${quote(word)})`,
  step === 'setup key'
    ? 'setup key works on this machine only; name nodes with demerge setup node HOST... or demerge trust HOST...'
    : 'demerge setup works on the nodes of demerge.conf; use demerge setup node HOST... and demerge trust HOST... for others',
];

export const unknownSetupOption = (step: string, word: string, allowed: readonly string[]): Problem => [
  `demerge ${step} has no option ${quote(word)}`,
  `its options are ${allowed.join(', ')} (see demerge --help)`,
];

export const setupOptionNeedsValue = (option: string): Problem => [
  `${option} needs a value`,
  `write it as ${option}=VALUE`,
];

export const badAdminUser = (user: string, reason: string, fix: string): Problem => [`admin user ${quote(user)} ${reason}`, fix];

export const badSetupHost = (word: string, reason: string, fix: string): Problem => [`host ${quote(word)} ${reason}`, fix];

export const noSetupTargets = (command: string): Problem => [
  `demerge ${command} has no node to work on: none named and none in the configuration`,
  `name them (demerge ${command} HOST...) or add [[node]] tables to /etc/demerge.conf`,
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

export const setupKeyFirst = (key: string): Problem => [
  `the build key ${quote(key)} does not exist`,
  'create it first: demerge setup key',
];

export const keyIsDsa = (key: string): Problem => [
  `the build key ${quote(key)} is a DSA key, which OpenSSH no longer accepts`,
  'replace it with demerge setup key (the DSA key is kept aside), then run setup node again',
];

export const createdDir = (dir: string): string => `created the directory ${dir} (0755)`;

export const createdFile = (path: string): string => `created ${path}`;

export const keyCreated = (key: string, user: string): string =>
  `created an ed25519 key without passphrase (${user}:${user} 0600) and ${key}.pub`;

export const keyReplaced = (key: string): string => `replaced the key with a new ed25519 key (--force); ${key}.pub too`;

export const dsaMigrated = (key: string, aside: string): string =>
  `replaced the DSA key with a new ed25519 key; the DSA key is kept as ${aside}`;

export const pushNewKey = (): string =>
  'the nodes still know the old key: run demerge setup node for each of them (or demerge setup) to push the new one';

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

export const nodeScriptCutShort = (): string =>
  'the setup script stopped before its end without an error (run it again; demerge setup node --print shows it)';

export const hostKeyUnavailable = (detail: string): string => `cannot get the host key: ${printable(detail)}`;

export const hostKeyUnknownType = (): string => 'the node presented a host key of a type demerge does not know';

export const fingerprintMismatch = (actual: string, pins: readonly string[]): string =>
  `the host key is ${actual}, not the pinned ${pins.join(' or ')} (check the fingerprint on the node: ssh-keygen -lf /etc/ssh/ssh_host_ed25519_key.pub)`;

export const hostKeyRevoked = (): string => 'the host key is marked @revoked in known_hosts';

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

export const printedScriptHeader = (host: string, admin: string): string =>
  `# ---- node ${host}: run as root there, e.g. ssh ${admin}@${host} ${admin === 'root' ? 'sh -s' : 'sudo sh -s'} < this-part`;

export const rootBuildAccount = (node: string): Problem => [
  `node ${quote(node)} is configured with user = "root": setup does not turn root into the build account`,
  'use the recipe\'s distcc account (leave user out of demerge.conf)',
];

export const sshKeygenMissing = (): Problem => [
  'ssh-keygen was not found in PATH',
  'install OpenSSH (net-misc/openssh)',
];

// ---- demerge --dry-check and the checks before every build (issue 3) ----

const plural = (count: number, one: string, many = `${one}s`): string => `${count} ${count === 1 ? one : many}`;
const keyscan = (host: string, port: number): string => `ssh-keyscan ${port === 22 ? '' : `-p ${port} `}${host}`;
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

export const keyNotAFile = (path: string): Problem => [
  `SSH key ${quote(path)} is not a regular file`,
  'point key = in demerge.conf at the private key file',
];

export const keyEncrypted = (path: string, agentSocket: string | undefined): Problem => [
  `SSH key ${quote(path)} has a passphrase: the build runs without a terminal and cannot type it${
    agentSocket === undefined
      ? ''
      : '; SSH_AUTH_SOCK is set, but demerge does not use agents: the build\'s ssh runs as the build user with this key file only (IdentitiesOnly)'
  }`,
  `remove the passphrase: ssh-keygen -p -N '' -f ${path} (it asks for the old one)`,
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

export const keyModeAccepted = (mode: string, owner: string, user: string): string =>
  `mode ${mode}, owner ${owner}: ssh running as ${user} accepts it`;

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

export const distccMissing = (): Problem => [
  'distcc was not found in PATH',
  'install distcc (Gentoo: emerge --ask sys-devel/distcc)',
];

export const frontCompilerMissing = (reason: string): Problem => [
  `the front end's compiler cannot be asked: ${printable(reason)}`,
  'install gcc (Gentoo: sys-devel/gcc) and select it with gcc-config',
];

export const frontCompilerOk = (name: string, version: string, machine: string): string =>
  `${name} ${version}, target ${machine}: every node must match it`;

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
  'run demerge --dry-check, which checks them for Portage\'s CHOST',
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
  'check the node\'s network and sshd',
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

export const loginNotTried = (): Problem => [
  'key login not tried: the front end has no usable build key',
  'fix the key first (see the key checks above)',
];

export const loginRefused = (node: { user: string }, key: string): Problem => [
  `the node refused the key for ${node.user}: refused key or locked account (only the node's sshd log tells which)`,
  `on the node, read sshd's log (journalctl -u sshd, /var/log/auth.log or /var/log/messages): "account is locked" means usermod -U ${node.user}; otherwise append ${key}.pub to ~${node.user}/.ssh/authorized_keys (owned by ${node.user}, mode 0600)`,
];

export const loginTimeout = (user: string, seconds: number): Problem => [
  `TCP connected, but the login as ${user} did not finish within ${seconds} s`,
  'check the node\'s load and sshd (MaxStartups; UseDNS no if name lookups are slow), or raise connect_timeout in demerge.conf',
];

export const loginClosed = (user: string, detail: string): Problem => [
  `the node closed the connection during the login as ${user} (${printable(detail)})`,
  'read sshd\'s log on the node: MaxStartups, AllowUsers/DenyUsers or a TCP wrapper may turn this machine away',
];

export const loginError = (user: string, detail: string): Problem => [
  `the login as ${user} failed: ${printable(detail)}`,
  'read sshd\'s log on the node',
];

export const nodeExecOk = (user: string): string => `commands run as ${user} (no forced command)`;

export const nodeShellNologin = (user: string): Problem => [
  `the key login works, but the login shell of ${user} is nologin ("This account is currently not available"): distcc's ssh runs distccd through that shell`,
  `on the node: usermod -s /bin/sh ${user}`,
];

export const nodeForcedCommand = (user: string, compiler: { name: string; version: string; machine: string } | undefined, timedOutAfter?: number): Problem => [
  `the key login as ${user} runs a forced command (command= in authorized_keys) instead of ours${
    timedOutAfter === undefined ? '' : ` (no answer within ${timedOutAfter} s)`
  }: distccd, the compiler and the CPUs could not be read`,
  `demerge --dry-check's trial compile shows whether distcc gets through it; check the compiler by hand on the node: ${
    compiler === undefined ? 'gcc -dumpfullversion -dumpmachine' : `${compiler.name} -dumpfullversion -dumpmachine must print ${compiler.version} and ${compiler.machine}`
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
    'check the node\'s load and the start-up files of the distcc user\'s shell (~/.bashrc)',
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
  'check the node\'s load and distccd; try it by hand as the build user with DISTCC_VERBOSE=1',
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
  'read sshd\'s log on the node (see the login check)',
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
  "the node refuses to forward to its own 127.0.0.1, which transport = \"tunnel\" needs for every job",
  'allow it for the build key (sshd AllowTcpForwarding, or restrict,port-forwarding,permitopen="127.0.0.1:*" in authorized_keys; demerge setup node --restrict writes that), or set transport = "ssh"',
];

export const trialCompilerMissing = (compiler: string, user: string): Problem => [
  `the node has no ${compiler} in the PATH of ${user}`,
  `install the front end's compiler on the node under the name ${compiler}`,
];

export const trialConnect = (text: string): Problem => [
  `the build's ssh could not connect: ${printable(text)}`,
  'see the TCP check of this node',
];

export const trialFailed = (compiler: string, line: string): Problem => [
  `the trial compile with ${compiler} failed: ${printable(line)}`,
  'try it by hand as the build user with DISTCC_VERBOSE=1 and read the node\'s sshd log',
];

export const trialSetupFailed = (message: string): Problem => [
  `the trial compile could not be prepared: ${printable(message)}`,
  'check that /run/demerge (or $TMPDIR for a non-root run) is writable',
];

export const frontEndFailed = (): string => 'the front end\'s checks failed (see the warnings above)';

export const checkLine = (verdict: string, subject: string, id: string, message: string): string => `${verdict}  ${subject}  ${id}: ${message}`;

export const fixLine = (fix: string): string => `      fix: ${fix}`;

export const summaryUsable = (usable: number, total: number, remoteSlots: number, localSlots: number): string =>
  `usable nodes: ${usable} of ${total}, ${plural(remoteSlots, 'remote slot')} + ${plural(localSlots, 'local slot')}`;

export const summaryNothingUsable = (total: number): string =>
  total === 0
    ? 'no compile nodes are configured (/etc/demerge.conf or /etc/distcc/hosts): a build would run locally'
    : 'no usable node: a build would run locally, without distcc';

export const summaryRun = (distccHosts: string, makeopts: string): string => `the run would use DISTCC_HOSTS="${distccHosts}" MAKEOPTS="${makeopts}"`;

export const summaryVerdict = (exitCode: number): string =>
  exitCode === 0 ? 'all checks passed' : exitCode === 1 ? 'usable, with warnings or nodes left out' : 'nothing usable';

// Transport "tunnel" (src/transport): one connection per node for the run.

export const tunnelForwardingRefused = (): string =>
  'the node refuses to forward to its own 127.0.0.1 (sshd AllowTcpForwarding, or restrict/no-port-forwarding in authorized_keys): allow it for the build key (e.g. restrict,port-forwarding,permitopen="127.0.0.1:*"), or set transport = "ssh"';

export const tunnelNotUp = (detail: string): string =>
  `the run's connection and distccd did not come up: ${quote(detail.slice(0, 300))}`;

export const tunnelLost = (node: string, detail: string): string =>
  `demerge: warning: connection to node ${quote(node)} lost (${printable(detail.slice(0, 200))}): its jobs compile locally until it is back`;

export const tunnelBack = (node: string): string => `demerge: node ${quote(node)} is connected again`;

export const tunnelStillDown = (node: string, cause: string): string =>
  `demerge: warning: node ${quote(node)} still cannot be reached: ${printable(cause)}; trying again`;

export const tunnelNodeSays = (node: string, cause: string): string => `demerge: warning: node ${quote(node)}: ${printable(cause)}`;

/** How the summary and the dashboard introduce each kind of node event. */
export const nodeEventWords = {
  lost: 'connection lost:',
  failed: 'still unreachable:',
  back: 'connected again',
  node: 'node reports:',
  resumed: 'gets jobs again',
} as const;

// Why a node's connection failed or dropped, from ssh's last line (src/transport/connection-cause.ts).
export const causeHostKeyChanged = (): string =>
  'the node presents a different host key (possible man-in-the-middle): refused, known_hosts left as it is; if the node was reinstalled, check its new key and run demerge trust';
export const causeConnectionRefused = (): string => 'connection refused: sshd is not running on the node';
export const causeNotAnswering = (): string => 'the node stopped answering (link down or packets dropped)';
export const causeNoRoute = (): string => 'no route to the node (its link is down)';
export const causeClosedByNode = (): string => 'the node closed the connection (sshd stopped or restarted there)';
export const causeMasterKilled = (signal: string): string => `this run's ssh connection process was killed (${signal})`;
export const causeLoginRefused = (): string => 'the node refused the key login (key removed, or account locked)';
export const causeDiskFull = (): string =>
  "the node's disk is full (under 8 MiB free in distccd's TMPDIR): its jobs fail there and compile locally; free space on the node";
export const nodeHeld = (reason: string): string => `no jobs are sent to it while ${reason}`;
export const diskFullReason = (): string => 'its disk is full';
export const nodeResumed = (node: string): string => `demerge: node ${quote(node)} gets jobs again`;
export const causeOther = (detail: string): string => detail.slice(0, 200);

export const taskFrontEnd = (): string => 'front end: key, known_hosts, distcc, compiler';

export const taskFrontEndDone = (checks: number, warnings: number, failures: number): string =>
  `front end: ${plural(checks, 'check')}${failures > 0 ? `, ${plural(failures, 'failure')}` : ''}${warnings > 0 ? `, ${plural(warnings, 'warning')}` : ''}${
    failures + warnings === 0 ? ' passed' : ''
  }`;

export const taskNodes = (count: number): string => `compile nodes (${count})`;

export const taskNodeDone = (name: string, slots: number, rttMs: number | undefined, compiler: string | undefined, warnings: number): string =>
  `${name}: usable, ${plural(slots, 'slot')}${rttMs === undefined ? '' : `, rtt ${rttMs.toFixed(1)} ms`}${compiler === undefined ? '' : `, ${compiler}`}${
    warnings > 0 ? `, ${plural(warnings, 'warning')}` : ''
  }`;

export const problemsHeading = (): string => 'warnings and failures:';

export const nodeLeftOutBecause = (node: string, cause: string, fix: string): string => `${nodeLeftOut(node, cause)} (${fix})`;

export const nodeWarningLine = (node: string, message: string, fix: string): string => `demerge: warning: node ${quote(node)}: ${message} (${fix})`;

export const trialNoAnswer = (compiler: string): Problem => [
  `the node's distccd hung up on the trial compile with ${compiler} without an answer`,
  'read distccd\'s messages on the node (syslog, or run distccd --inetd --log-stderr by hand) and its sshd log',
];

// ---- dashboard (issue 5) ----

export const emergeOutputDropped = (bytes: number): string =>
  `[demerge: the first ${(bytes / (1024 * 1024)).toFixed(1)} MiB emerge printed while the dashboard was shown are not repeated here; the build logs have them]`;

export const dashboardStopping = (): string => 'stopping the build: Ctrl-C sent to emerge';

export const dashboardNeedsPython = (): string =>
  'demerge: note: no dashboard: python3 (which gives emerge its own terminal) was not found; status lines instead';

export const noRunToWatch = (pid: number | undefined): Problem =>
  pid === undefined
    ? ['no build is running under demerge', 'start one with demerge <emerge arguments>, then run demerge --dashboard from another terminal']
    : [`no build of demerge process ${pid} is running`, 'run demerge --dashboard without a PID to watch the newest build'];

export const dashboardTakesNoArguments = (first: string): Problem => [
  `--dashboard watches a build that is already running and takes no emerge arguments, got ${quote(first)}`,
  'run the build with demerge <emerge arguments>, and demerge --dashboard alone from another terminal',
];

export const watchingRun = (pid: number, dir: string): string => `demerge: watching the build of demerge process ${pid} (${dir})`;

export const watchedRunEnded = (): string => 'the build has ended';

export const setupCannotWrite = (path: string, code: string): Problem => [
  `cannot change ${quote(path)}: ${code}`,
  'run demerge setup and demerge trust as root (the files belong to the build user or to root)',
];

// Task titles of `demerge setup` (listr2).
export const setupTaskKey = (path: string): string => `Build key ${path}`;
export const setupTaskHostKeys = (count: number): string => `Host keys of ${count} node${count === 1 ? '' : 's'}`;
export const setupTaskHostKey = (fingerprintLine: string, trusted: boolean): string =>
  `${fingerprintLine}: ${trusted ? 'already trusted' : 'to be confirmed'}`;
export const setupTaskKnownHosts = (path: string): string => `known_hosts ${path}`;
export const setupTaskNodes = (count: number): string => `${count} node${count === 1 ? '' : 's'}`;
export const setupTaskNote = (note: string): string => `note: ${note}`;

export const dashboardFailed = (detail: string): string =>
  `demerge: the dashboard stopped (${printable(detail.slice(0, 200))}); the build goes on, emerge's output follows (please report this)`;
