// The dashboard's whole state as plain data. Collectors (ssh samplers, state-file poller,
// log tails) call the `with*` functions, each returning a new state; the renderer only reads.
// Times are epoch milliseconds, except emerge.log's, which Portage writes in seconds.
//
// A node's `name` is distcc's host name for it (what DISTCC_HOSTS says after `user@`): state
// files and log lines name hosts that way, and that is how jobs are matched to nodes.

import { DISTCC_PHASES, DISTCC_STATE_MAX_AGE_MS, liveJobs } from './parse/distcc-state.js';
import type { DistccJob, DistccPhase } from './parse/distcc-state.js';
import { applyDistccLogEvents, emptyDistccLogStats } from './parse/distcc-log.js';
import type { DistccLogEvent, DistccLogStats } from './parse/distcc-log.js';
import { applyEmergeLogEvents, emptyEmergeProgress } from './parse/emerge-log.js';
import type { EmergeLogEvent, EmergeProgress } from './parse/emerge-log.js';
import { endsProblem, type NodeEvent, type NodeEventKind } from './parse/node-events.js';
import { emptyPackages, withPackageJobs, withPackageTimes, withSharedJobs, type Attribution, type PackagesState } from './packages.js';
import type { PortageSnapshot } from './parse/observability.js';
import { TICKS_PER_SECOND } from './parse/ps.js';
import type { LoadAverage, NodeProcess, NodeSample, ProcessCpu } from './parse/ps.js';
import { parentIn, rootOf, treesByRoot } from './process-tree.js';
import { causeDiskFull } from '../messages.js';
import { sampleIncomplete } from '../messages/dashboard-view.js';
import { sanitizeTerminalText } from './sanitize.js';

/**
 * The sampler's view of a node: reaching it, up (the last sample came back) or unreachable (the
 * sampler's connection failed or dropped, or a sample did not come back in time).
 */
type NodeStatus = 'connecting' | 'up' | 'unreachable';

/** A compiler seen in the last sample, kept to account its CPU time once it is gone. */
interface TrackedCompiler {
  pid: number;
  /** Start time derived from the sample (sample time minus elapsed), to tell reused pids apart. */
  startedAt: number;
  cpuSeconds: number;
}

/** A process tree of the distcc user on a node, by its root. */
interface TrackedTree {
  pid: number;
  start: number;
  /** Its CPU ticks when first seen, if it was running before the dashboard: not the build's. */
  baseTicks: number;
  maxTicks: number;
}

/**
 * One compile on a node: the driver (gcc) and what it runs (cc1, then as), as one process
 * tree of compilers.
 */
export interface NodeCompile {
  /** Its busiest live member: the stage at work. */
  shown: NodeProcess;
  /** The source file the tree's arguments name. */
  sourceFile?: string;
  /** Its root's elapsed time. */
  elapsedSeconds: number;
}

export interface NodeState {
  name: string;
  status: NodeStatus;
  /** Why the sampler cannot reach the node, while `status` is 'unreachable'. */
  unreachableReason?: string;
  rttMs?: number;
  load?: LoadAverage;
  cpus?: number;
  slotsTotal: number;
  /** Jobs whose state files name this host. */
  slotsBusy: number;
  processes: readonly NodeProcess[];
  /** The compiles among `processes`. */
  compiles: readonly NodeCompile[];
  sampledAt?: number;
  /**
   * CPU seconds of compilers that finished, estimated as pcpu × elapsed at their last sample.
   * Compilers shorter than the sampling interval are never seen: a lower bound.
   */
  compilerCpuSeconds: number;
  trackedCompilers: readonly TrackedCompiler[];
  /**
   * Process trees of the distcc user, when the node's /proc times arrive: a tree's CPU is
   * exact for as long as its root lives (reaped children are in their parents' times), so a
   * long-lived distccd is fully counted; a tree born and gone between samples is not seen.
   */
  trackedTrees?: readonly TrackedTree[];
  /**
   * Until when distcc skips the host (its backoff file's mtime plus the period). A node can
   * answer our sampler and still be backed off by distcc, so this is apart from `status`.
   */
  distccBackoffUntil?: number;
  /** Why the last sample said less than it should (e.g. a forced command in authorized_keys). */
  note?: string;
  /**
   * What happened to the run's connection to the node, oldest first; a repeat of the last
   * event is counted rather than added. Absent while nothing happened.
   */
  events?: readonly NodeEventRecord[];
  /**
   * What the latest node event says is wrong: the transport lost the node or cannot reach it,
   * or the node reported a problem (a full disk). Cleared when it is back or gets jobs again.
   */
  problem?: string;
  /** Free KiB in the distcc user's TMPDIR, where distccd writes every job's files. */
  tmpFreeKiB?: number;
}

export interface NodeEventRecord {
  at: number;
  kind: NodeEventKind;
  cause: string;
  /** How many times in a row it happened (distccd repeats its complaint for every job). */
  count: number;
}

type PhaseCounts = Record<DistccPhase, number>;

interface HostJobs {
  host: string;
  total: number;
  phases: PhaseCounts;
}

export interface DashboardState {
  startedAt: number;
  nodes: readonly NodeState[];
  /** Live jobs from the state files, stale ones dropped. */
  jobs: readonly DistccJob[];
  /** The same jobs counted per host and phase, hosts sorted by name. */
  jobsByHost: readonly HostJobs[];
  jobsUpdatedAt?: number;
  /** Jobs, failures and fallbacks per host from DISTCC_LOG (every package's log, when each has one). */
  distcc: DistccLogStats;
  /** The same jobs per package, and how they were told apart (packages.ts); they add up to `distcc`. */
  packages: PackagesState;
  emerge: EmergeProgress;
  /** localhost/N of DISTCC_HOSTS: the jobs the front end compiles itself. */
  localSlots: number;
  /** Portage's own live status (FEATURES=observability), when it publishes one. */
  portage?: PortageSnapshot;
}

/** A node as the dashboard starts with it (not config's NodeConfig: only what the screen needs). */
interface DashboardNode {
  name: string;
  slots: number;
}

const MAX_NAME = 128;
const MAX_REASON = 200;
const MAX_JOBS = 4096;
// A distccd's tree is a few levels deep, a compile's (gcc, cc1, as) two; a node's ps can still
// say anything.
const MAX_TREE_DEPTH = 64;
const MAX_COMPILE_DEPTH = 16;

export function createDashboardState(options: {
  startedAt: number;
  nodes: readonly DashboardNode[];
  localSlots?: number;
  attribution?: Attribution;
}): DashboardState {
  return {
    startedAt: options.startedAt,
    localSlots: Math.max(0, Math.floor(options.localSlots ?? 0)),
    nodes: options.nodes.map((node) => ({
      name: sanitizeTerminalText(node.name, MAX_NAME),
      status: 'connecting',
      slotsTotal: Math.max(0, Math.floor(node.slots)),
      slotsBusy: 0,
      processes: [],
      compiles: [],
      compilerCpuSeconds: 0,
      trackedCompilers: [],
    })),
    jobs: [],
    jobsByHost: [],
    distcc: emptyDistccLogStats(),
    packages: emptyPackages(options.attribution ?? 'emerge-log'),
    emerge: emptyEmergeProgress(),
  };
}

function updateNode(state: DashboardState, name: string, change: (node: NodeState) => NodeState): DashboardState {
  if (!state.nodes.some((node) => node.name === name)) return state;
  return { ...state, nodes: state.nodes.map((node) => (node.name === name ? change(node) : node)) };
}

// Drops the optional fields that only describe another status.
function baseNode(node: NodeState, status: NodeStatus): NodeState {
  const { unreachableReason: _reason, ...rest } = node;
  return { ...rest, status };
}

function cpuSecondsOf(process: NodeProcess): number {
  return (process.cpuPercent / 100) * process.elapsedSeconds;
}

// Compilers gone since the last sample are settled into the total; present ones keep their
// largest estimate (pcpu is a lifetime average, so the later sample is the better one).
function trackCompilers(node: NodeState, processes: readonly NodeProcess[], at: number): Pick<NodeState, 'compilerCpuSeconds' | 'trackedCompilers'> {
  const current: TrackedCompiler[] = processes
    .filter((p) => p.role === 'compiler')
    .map((p) => ({ pid: p.pid, startedAt: at - p.elapsedSeconds * 1000, cpuSeconds: cpuSecondsOf(p) }));
  let settled = node.compilerCpuSeconds;
  const next: TrackedCompiler[] = [];
  for (const seen of current) {
    const before = node.trackedCompilers.find((t) => t.pid === seen.pid && Math.abs(t.startedAt - seen.startedAt) <= 2000);
    next.push(before ? { ...seen, startedAt: before.startedAt, cpuSeconds: Math.max(before.cpuSeconds, seen.cpuSeconds) } : seen);
  }
  for (const old of node.trackedCompilers) {
    if (!next.some((t) => t.pid === old.pid && t.startedAt === old.startedAt)) settled += old.cpuSeconds;
  }
  return { compilerCpuSeconds: settled, trackedCompilers: next };
}

// Sums each root's tree: a process's own times plus its reaped children's; live children are
// counted separately, so nothing is counted twice. The sampler's own shell tree is left out.
function trackTrees(node: NodeState, cpu: readonly ProcessCpu[], samplerPid: number | undefined): Pick<NodeState, 'compilerCpuSeconds' | 'trackedTrees'> {
  const parentOf = parentIn(cpu);
  const sampler = samplerPid === undefined ? undefined : cpu.findLast((p) => p.pid === samplerPid);
  const samplerRoot = sampler === undefined ? undefined : rootOf(sampler, parentOf, MAX_TREE_DEPTH);
  const totals = new Map<ProcessCpu, number>();
  for (const [root, members] of treesByRoot(cpu, parentOf, MAX_TREE_DEPTH)) {
    if (root !== samplerRoot)
      totals.set(
        root,
        members.reduce((sum, p) => sum + p.ticks, 0),
      );
  }
  const known = node.trackedTrees ?? [];
  const first = node.sampledAt === undefined && known.length === 0;
  const next: TrackedTree[] = [];
  for (const [root, ticks] of totals) {
    const before = known.find((t) => t.pid === root.pid && t.start === root.start);
    next.push(
      before ? { ...before, maxTicks: Math.max(before.maxTicks, ticks) } : { pid: root.pid, start: root.start, baseTicks: first ? ticks : 0, maxTicks: ticks },
    );
  }
  let settled = node.compilerCpuSeconds;
  for (const old of known) {
    if (!next.some((t) => t.pid === old.pid && t.start === old.start)) settled += (old.maxTicks - old.baseTicks) / TICKS_PER_SECOND;
  }
  return { compilerCpuSeconds: settled, trackedTrees: next };
}

/** CPU seconds the distcc user spent on the node during the run, as far as sampling saw. */
export function nodeCpuSeconds(node: NodeState): number {
  const trees = (node.trackedTrees ?? []).reduce((sum, t) => sum + (t.maxTicks - t.baseTicks) / TICKS_PER_SECOND, 0);
  return node.compilerCpuSeconds + node.trackedCompilers.reduce((sum, t) => sum + t.cpuSeconds, 0) + trees;
}

function settleCompilers(node: NodeState): Pick<NodeState, 'compilerCpuSeconds' | 'trackedCompilers'> {
  return {
    compilerCpuSeconds: node.compilerCpuSeconds + node.trackedCompilers.reduce((sum, t) => sum + t.cpuSeconds, 0),
    trackedCompilers: [],
  };
}

/** Kept per node: the first events (how it began) and the latest. */
const MAX_NODE_EVENTS = 12;

function addNodeEvent(node: NodeState, event: NodeEvent): NodeState {
  const events = node.events ?? [];
  const last = events.at(-1);
  let next: NodeEventRecord[];
  if (last !== undefined && last.kind === event.kind && last.cause === event.cause) {
    next = [...events.slice(0, -1), { ...last, count: last.count + 1 }];
  } else {
    next = [...events, { at: event.at, kind: event.kind, cause: event.cause, count: 1 }];
    if (next.length > MAX_NODE_EVENTS) next = [...next.slice(0, 2), ...next.slice(next.length - (MAX_NODE_EVENTS - 2))];
  }
  const { problem: _problem, ...rest } = node;
  return endsProblem(event.kind) ? { ...rest, events: next } : { ...rest, events: next, problem: event.cause };
}

/** News of the build's connections to the nodes (the run's node-events file). */
export function withNodeEvents(state: DashboardState, events: Iterable<NodeEvent>): DashboardState {
  let next = state;
  for (const event of events) next = updateNode(next, event.node, (node) => addNodeEvent(node, event));
  return next;
}

/**
 * The compiles among a node's processes. Each is shown as one process, its busiest live member
 * (the stage at work), with the source file the tree's arguments name.
 */
function compilesOf(processes: readonly NodeProcess[]): NodeCompile[] {
  const compilers = processes.filter((p) => p.role === 'compiler');
  return [...treesByRoot(compilers, parentIn(compilers), MAX_COMPILE_DEPTH)].map(([root, members]) => {
    const live = members.filter((m) => !m.stat.startsWith('Z'));
    const candidates = live.length > 0 ? live : members;
    const shown = candidates.reduce((best, m) =>
      m.cpuPercent > best.cpuPercent || (m.cpuPercent === best.cpuPercent && m.elapsedSeconds < best.elapsedSeconds) ? m : best,
    );
    const compile: NodeCompile = { shown, elapsedSeconds: root.elapsedSeconds };
    const sourceFile = [root, ...members].find((m) => m.sourceFile !== undefined)?.sourceFile;
    if (sourceFile !== undefined) compile.sourceFile = sourceFile;
    return compile;
  });
}

/** A sample arrived from the node: it is up. */
export function withNodeSample(state: DashboardState, name: string, sample: NodeSample, at: number, rttMs?: number): DashboardState {
  return updateNode(state, name, (node) => {
    const { note: _note, ...rest } = baseNode(node, 'up');
    const next: NodeState = {
      ...rest,
      processes: sample.processes,
      compiles: compilesOf(sample.processes),
      sampledAt: at,
      ...(sample.cpu !== undefined && sample.cpu.length > 0 ? trackTrees(node, sample.cpu, sample.samplerPid) : trackCompilers(node, sample.processes, at)),
    };
    // A forced command (`command="distccd --inetd"` in authorized_keys) runs instead of ours.
    if (!sample.complete) next.note = sampleIncomplete();
    if (sample.load) next.load = sample.load;
    if (sample.cpus !== undefined) next.cpus = sample.cpus;
    if (rttMs !== undefined && Number.isFinite(rttMs)) next.rttMs = rttMs;
    if (sample.tmpFreeKiB !== undefined) return withTmpFree(next, sample.tmpFreeKiB, at);
    return next;
  });
}

/** Below this, a job's preprocessed source and object no longer fit: every job there fails. */
export const LOW_TMP_KIB = 8 * 1024;

/** The node's distccd has no room for a job's files, by its last sample. */
export function isDiskFull(node: Pick<NodeState, 'tmpFreeKiB'>): boolean {
  return node.tmpFreeKiB !== undefined && node.tmpFreeKiB < LOW_TMP_KIB;
}

// Running out of room is news once, when it happens; room again clears the node's problem if
// that was the problem.
function withTmpFree(node: NodeState, freeKiB: number, at: number): NodeState {
  const wasLow = isDiskFull(node);
  const next = { ...node, tmpFreeKiB: freeKiB };
  const isLow = isDiskFull(next);
  if (isLow && !wasLow) return addNodeEvent(next, { at, node: node.name, kind: 'node', cause: causeDiskFull() });
  if (!isLow && wasLow && next.problem === causeDiskFull()) {
    const { problem: _problem, ...rest } = next;
    return rest;
  }
  return next;
}

/** The sampler's connection failed or dropped, or a sample did not come back: its processes are unknown from now on. */
export function withNodeUnreachable(state: DashboardState, name: string, reason: string): DashboardState {
  return updateNode(state, name, (node) => {
    const { rttMs: _rtt, ...rest } = baseNode(node, 'unreachable');
    return { ...rest, unreachableReason: sanitizeTerminalText(reason, MAX_REASON), processes: [], compiles: [], ...settleCompilers(node) };
  });
}

function emptyPhases(): PhaseCounts {
  const counts = {} as PhaseCounts;
  for (const phase of DISTCC_PHASES) counts[phase] = 0;
  return counts;
}

/** Counts jobs per host and phase. */
export function countJobsByHost(jobs: readonly DistccJob[]): HostJobs[] {
  const byHost = new Map<string, HostJobs>();
  for (const job of jobs) {
    let entry = byHost.get(job.host);
    if (!entry) {
      entry = { host: job.host, total: 0, phases: emptyPhases() };
      byHost.set(job.host, entry);
    }
    entry.total++;
    entry.phases[job.phase]++;
  }
  return [...byHost.values()].sort((a, b) => (a.host < b.host ? -1 : a.host > b.host ? 1 : 0));
}

/** A fresh read of the state directory: all parsed jobs; stale ones are dropped here. */
export function withJobs(state: DashboardState, jobs: readonly DistccJob[], now: number, maxAgeMs: number = DISTCC_STATE_MAX_AGE_MS): DashboardState {
  const live = liveJobs(jobs, now, maxAgeMs).slice(0, MAX_JOBS);
  const jobsByHost = countJobsByHost(live);
  const nodes = state.nodes.map((node) => {
    const busy = jobsByHost.find((h) => h.host === node.name)?.total ?? 0;
    return busy === node.slotsBusy ? node : { ...node, slotsBusy: busy };
  });
  return { ...state, nodes, jobs: live, jobsByHost, jobsUpdatedAt: now };
}

/**
 * Events of the run's own DISTCC_LOG. `building`: the packages emerge.log showed open while the
 * lines were read (for the 'emerge-log' attribution; default: the ones open now).
 */
export function withDistccLogEvents(state: DashboardState, events: Iterable<DistccLogEvent>, building?: readonly string[]): DashboardState {
  const list = [...events];
  const open = building ?? state.emerge.open.map((p) => p.cpv);
  return { ...state, distcc: applyDistccLogEvents(state.distcc, list), packages: withSharedJobs(state.packages, list, open) };
}

/** Events of one package's own log (`atom` is its category/pf). */
export function withPackageLogEvents(state: DashboardState, atom: string, events: Iterable<DistccLogEvent>): DashboardState {
  const list = [...events];
  return { ...state, distcc: applyDistccLogEvents(state.distcc, list), packages: withPackageJobs(state.packages, atom, list) };
}

export function withEmergeLogEvents(state: DashboardState, events: Iterable<EmergeLogEvent>): DashboardState {
  const list = [...events];
  return { ...state, emerge: applyEmergeLogEvents(state.emerge, list), packages: withPackageTimes(state.packages, list) };
}

/** distcc's backoff of a host: `until` from its backoff file, undefined once the file is gone. */
export function withDistccBackoff(state: DashboardState, name: string, until: number | undefined): DashboardState {
  const node = state.nodes.find((n) => n.name === name);
  if (!node || node.distccBackoffUntil === until) return state;
  return updateNode(state, name, (n) => {
    const { distccBackoffUntil: _until, ...rest } = n;
    return until === undefined ? rest : { ...rest, distccBackoffUntil: until };
  });
}

/** Portage's latest snapshot, or undefined when it publishes none (any more). */
export function withPortageSnapshot(state: DashboardState, snapshot: PortageSnapshot | undefined): DashboardState {
  if (snapshot === undefined) {
    if (state.portage === undefined) return state;
    const { portage: _gone, ...rest } = state;
    return rest;
  }
  return { ...state, portage: snapshot };
}

/**
 * Whether building has begun: Portage logged a package start, or a distcc job exists. Until
 * then emerge may still be resolving or asking (--ask), and the terminal stays emerge's.
 */
export function buildHasStarted(state: DashboardState): boolean {
  return (
    state.emerge.lastIndex > 0 || state.emerge.open.length > 0 || state.jobs.length > 0 || state.distcc.hosts.length > 0 || (state.portage?.running ?? 0) > 0
  );
}
