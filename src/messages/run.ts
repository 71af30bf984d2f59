// The build's own lines: the nodes it checks, uses or leaves out, local fallback, DISTCC_HOSTS and
// MAKEOPTS, the network sandbox, and the run's copies of Portage's files.

import { quote } from '../errors.js';
import type { Problem } from './common.js';

export const noNodesConfigured = (): string => 'demerge: warning: no compile nodes are configured (/etc/demerge.conf or /etc/distcc/hosts): building locally';

export const probing = (count: number): string => `checking ${count} compile node${count === 1 ? '' : 's'}`;

export const nodeLeftOut = (node: string, cause: string): string => `demerge: warning: node ${quote(node)} left out of this run: ${cause}`;

export const nodeLeftOutBecause = (node: string, cause: string, fix: string): string => `${nodeLeftOut(node, cause)} (${fix})`;

export const nodeWarningLine = (node: string, message: string, fix: string): string => `demerge: warning: node ${quote(node)}: ${message} (${fix})`;

export const noLiveNode = (): string => 'demerge: warning: no compile node answered: building locally, without distcc';

export const noLiveNodeStrict = (): Problem => [
  'no compile node answered and --strict was given',
  'fix the nodes (demerge --dry-check says how) or run without --strict to build locally',
];

export const nodesReady = (live: number, total: number, slots: number): string =>
  `demerge: ${live} of ${total} node${total === 1 ? '' : 's'} ready, ${slots} remote slot${slots === 1 ? '' : 's'}`;

export const runSummary = (distccHosts: string, makeopts: string): string => `demerge: DISTCC_HOSTS="${distccHosts}" MAKEOPTS="${makeopts}"`;

export const makeoptsReplaced = (previous: string, next: string): string =>
  `demerge: note: MAKEOPTS ${quote(previous)} from the environment replaced by "${next}" for this run (use --make-jobs=N to choose -j)`;

export const networkSandboxLifted = (): string =>
  'demerge: note: FEATURES=-network-sandbox for this run: transport = "ssh" starts ssh for every job inside the build, and ssh cannot leave Portage\'s network sandbox (transport = "tunnel", the default, keeps the sandbox on)';

/** What the run's mount script (src/run-env/flag-mounts.ts) says when it cannot bind-mount a copy. */
export const flagCopyNotMounted = (target: string): string =>
  `demerge: cannot put the run's copy of ${target} in place; set resolve_native = false in demerge.conf to build without it`;

export const agentBridgeFailed = (runDir: string, reason: string): Problem => [
  `the bridge to the ssh-agent for the build user could not be made in ${quote(runDir)}: ${reason}`,
  "check that demerge's run directory is on a local file system that takes unix sockets (/run), or use a key without a passphrase",
];

// Which package each distcc job belongs to (src/run-env/package-logs.ts, src/run/dashboard-log.ts).

export const masqueradeEntryNotDistcc = (path: string): string => `${path} is not distcc`;
export const masqueradeUnreadable = (dir: string, code: string): string => `cannot read ${dir} (${code})`;
export const masqueradeNotMounted = (dir: string): string =>
  `demerge: cannot put the run's compiler wrappers over ${dir}; set DISTCC_LOG to a file of yours to build without them`;
export const notRoot = (): string => 'not running as root';
export const userDistccLog = (path: string): string => `DISTCC_LOG=${path} is your own`;
export const noMountTools = (): string => 'unshare or mount is missing';
export const noBash = (): string => 'bash is missing';
export const noMasqueradeDir = (): string => 'no distcc masquerade directory';

/** Said once when jobs cannot each be given their package's own log. */
export const packagesByEmergeLog = (reason: string): string =>
  `demerge: note: jobs are counted per package from emerge.log's times (${reason}): exact while one package builds at a time; jobs of packages that build at once count as "unattributed"`;
