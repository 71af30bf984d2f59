// The dashboard's whole state as plain data. Collectors (ssh samplers, state-file poller,
// log tails) call the `with*` functions, each returning a new state; the renderer only reads.
// Times are epoch milliseconds, except emerge.log's, which Portage writes in seconds.
//
// A node's `name` is distcc's host name for it (what DISTCC_HOSTS says after `user@`): state
// files and log lines name hosts that way, and that is how jobs are matched to nodes.

import { DISTCC_PHASES, DISTCC_STATE_MAX_AGE_MS, liveJobs } from './parse/distcc-state.js';
import type { DistccJob, DistccPhase } from './parse/distcc-state.js';
import { applyDistccLogEvents, emptyDistccLogStats } from './parse/distcc-log.js';
import type { CauseCount, DistccLogEvent, DistccLogStats } from './parse/distcc-log.js';
import { applyEmergeLogEvents, emptyEmergeProgress } from './parse/emerge-log.js';
import type { EmergeLogEvent, EmergeProgress } from './parse/emerge-log.js';
import { endsProblem, type NodeEvent, type NodeEventKind } from './parse/node-events.js';
import type { OtherRuns } from './parse/shared-slots.js';
import {
  emptyPackages,
  localJobsOf,
  remoteJobsOf,
  withPackageJobs,
  withPackageTimes,
  withSharedJobs,
  type Attribution,
  type PackagesState,
} from './packages.js';
import type { PortageSnapshot } from './parse/observability.js';
import type { RunInfo } from './run-info.js';
import { TICKS_PER_SECOND } from './parse/ps.js';
import type { LoadAverage, NodeProcess, NodeSample, ProcessCpu } from './parse/ps.js';
import { parentIn, rootOf, treesByRoot } from './process-tree.js';
import { causeDiskFull } from '../messages.js';
import { localAfterFallbackCause, localByChoiceCause, sampleIncomplete } from '../messages/dashboard-view.js';
import { sanitizeTerminalText } from './sanitize.js';
import { REMOTE_PHASES } from './join.js';

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
  /** The tree's root (the driver, or cc1 alone). */
  pid: number;
  /** Its busiest live member: the stage at work. */
  shown: NodeProcess;
  /** The source file the tree's arguments name (under distccd, its temp file: never shown). */
  sourceFile?: string;
  /** Its root's elapsed time. */
  elapsedSeconds: number;
  /** When its root started, by the sample: sample time minus etimes (whole seconds). */
  startedAt: number;
  /** Every member is a zombie: the compile is over, distccd has not reaped it yet. */
  finished: boolean;
}

/**
 * A compile seen in an earlier sample and missing from a later one: reaped by distccd, its
 * result on the way back or already there. Kept a while, for the join (see join.ts).
 */
export interface GoneCompile {
  pid: number;
  startedAt: number;
  /** The first sample it was missing from: it ended before this, after the sample before. */
  goneAt: number;
}

/** A job from the state files, with when it entered the phases that involve its node. */
export interface LiveJob extends DistccJob {
  /**
   * For a job in send, compile or receive: the mtime of its first state file seen in one of
   * them (when it started sending), kept while it stays there. Otherwise its mtime.
   */
  sinceMs: number;
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
  /** Compiles gone in the last GONE_KEEP_MS, newest last; absent until one is. */
  goneCompiles?: readonly GoneCompile[];
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
   * Transport "tunnel": what other demerge runs (from any front end) hold on the node now, as
   * its shared service reports it. The node's slots are one limit for all of them.
   */
  otherRuns?: OtherRuns;
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
  /**
   * This run's jobs on the node at each sample, oldest first, at most HISTORY_LENGTH; -1 where
   * the sampler lost the node.
   */
  busyHistory: readonly number[];
}

/** The run's compiles so far, as DISTCC_LOG has them, at one moment. */
export interface ClusterSample {
  at: number;
  /** Completed on the nodes. */
  remote: number;
  /** Distributable jobs compiled here (by choice or after a fallback). */
  local: number;
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
  jobs: readonly LiveJob[];
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
  /** How often the nodes are sampled: how close two starts must be to be told apart. */
  sampleIntervalMs: number;
  /**
   * Each job's package (category/name-version) by client pid, when an attribution of jobs to
   * packages fills it; absent, a job's package is known only while one package builds.
   */
  jobPackages?: Readonly<Record<number, string>>;
  /**
   * Each package's distcc jobs so far, when an attribution of jobs to packages provides them;
   * absent, the dashboard shows no per-package share.
   */
  packageTallies?: readonly PackageTally[];
  /** localhost's compiles at each read of the state files, like NodeState.busyHistory. */
  localBusyHistory: readonly number[];
  /** The run's compiles so far at each local tick, oldest first, at most HISTORY_LENGTH. */
  cluster: readonly ClusterSample[];
}

/** One package's distcc jobs so far: where they compiled, and why the local ones stayed. */
export interface PackageTally {
  /** category/name-version, as emerge.log and Portage's status file name it. */
  atom: string;
  remote: number;
  local: number;
  /** The local ones by cause (local-only causes, fallback), most first or in any order. */
  localCauses: readonly CauseCount[];
}

/** A node as the dashboard starts with it (not config's NodeConfig: only what the screen needs). */
interface DashboardNode {
  name: string;
  slots: number;
}

/**
 * Samples of history kept, per node and for the cluster: a column each on a 200-column
 * terminal's widest chart, a few minutes at 1 Hz. Bounded whatever the run's length.
 */
export const HISTORY_LENGTH = 240;

/** `items` with `item` appended, the oldest dropped beyond `max`. */
export function pushBounded<T>(items: readonly T[], item: T, max: number = HISTORY_LENGTH): T[] {
  const kept = items.length >= max ? items.slice(items.length - max + 1) : [...items];
  kept.push(item);
  return kept;
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
  sampleIntervalMs?: number;
  attribution?: Attribution;
}): DashboardState {
  return {
    startedAt: options.startedAt,
    sampleIntervalMs: Math.max(1, options.sampleIntervalMs ?? 1000),
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
      busyHistory: [],
    })),
    localBusyHistory: [],
    cluster: [],
    jobs: [],
    jobsByHost: [],
    distcc: emptyDistccLogStats(),
    packages: emptyPackages(options.attribution ?? 'emerge-log'),
    emerge: emptyEmergeProgress(),
  };
}

/** The state a run's dashboard (or a viewer of it) starts from. */
export function createRunState(info: Pick<RunInfo, 'startedAt' | 'nodes' | 'localSlots' | 'sampleIntervalMs' | 'packageLogs'>): DashboardState {
  return createDashboardState({
    startedAt: info.startedAt,
    nodes: info.nodes.map((n) => ({ name: n.host, slots: n.slots })),
    localSlots: info.localSlots,
    sampleIntervalMs: info.sampleIntervalMs,
    attribution: info.packageLogs === undefined ? 'emerge-log' : 'package-logs',
  });
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

// One process (or tree root) in two samples: the same pid, started at about the same time
// (etimes is whole seconds, and the sample lands a round trip after ps ran).
function sameStart(a: { pid: number; startedAt: number }, b: { pid: number; startedAt: number }): boolean {
  return a.pid === b.pid && Math.abs(a.startedAt - b.startedAt) <= 2000;
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
    const before = node.trackedCompilers.find((t) => sameStart(t, seen));
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
function compilesOf(processes: readonly NodeProcess[], at: number): NodeCompile[] {
  const compilers = processes.filter((p) => p.role === 'compiler');
  return [...treesByRoot(compilers, parentIn(compilers), MAX_COMPILE_DEPTH)].map(([root, members]) => {
    const live = members.filter((m) => !m.stat.startsWith('Z'));
    const candidates = live.length > 0 ? live : members;
    const shown = candidates.reduce((best, m) =>
      m.cpuPercent > best.cpuPercent || (m.cpuPercent === best.cpuPercent && m.elapsedSeconds < best.elapsedSeconds) ? m : best,
    );
    const compile: NodeCompile = {
      pid: root.pid,
      shown,
      elapsedSeconds: root.elapsedSeconds,
      startedAt: at - root.elapsedSeconds * 1000,
      finished: live.length === 0,
    };
    const sourceFile = [root, ...members].find((m) => m.sourceFile !== undefined)?.sourceFile;
    if (sourceFile !== undefined) compile.sourceFile = sourceFile;
    return compile;
  });
}

/** How long a gone compile is kept: a few state-file reads, however slow the sampling. */
const GONE_KEEP_MS = 10_000;
const MAX_GONE = 64;

// The compiles of the last sample that this one no longer has, added to those gone lately.
function goneSince(node: NodeState, compiles: readonly NodeCompile[], at: number): GoneCompile[] {
  const kept = (node.goneCompiles ?? []).filter((g) => g.goneAt >= at - GONE_KEEP_MS);
  for (const before of node.compiles) {
    if (!compiles.some((c) => sameStart(c, before))) kept.push({ pid: before.pid, startedAt: before.startedAt, goneAt: at });
  }
  return kept.slice(-MAX_GONE);
}

/** A sample arrived from the node: it is up. */
export function withNodeSample(state: DashboardState, name: string, sample: NodeSample, at: number, rttMs?: number): DashboardState {
  return updateNode(state, name, (node) => {
    const { note: _note, goneCompiles: _gone, ...rest } = baseNode(node, 'up');
    const compiles = compilesOf(sample.processes, at);
    const gone = goneSince(node, compiles, at);
    const next: NodeState = {
      ...rest,
      processes: sample.processes,
      compiles,
      ...(gone.length > 0 ? { goneCompiles: gone } : {}),
      sampledAt: at,
      busyHistory: pushBounded(node.busyHistory, node.slotsBusy),
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
    const { rttMs: _rtt, goneCompiles: _gone, ...rest } = baseNode(node, 'unreachable');
    return {
      ...rest,
      unreachableReason: sanitizeTerminalText(reason, MAX_REASON),
      processes: [],
      compiles: [],
      busyHistory: pushBounded(node.busyHistory, -1),
      ...settleCompilers(node),
    };
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
  const before = new Map(state.jobs.filter((j) => REMOTE_PHASES.has(j.phase)).map((j) => [`${j.pid}\0${j.host}`, j.sinceMs]));
  const live: LiveJob[] = liveJobs(jobs, now, maxAgeMs)
    .slice(0, MAX_JOBS)
    .map((job) => {
      const kept = REMOTE_PHASES.has(job.phase) ? before.get(`${job.pid}\0${job.host}`) : undefined;
      return { ...job, sinceMs: kept === undefined ? job.mtimeMs : Math.min(kept, job.mtimeMs) };
    });
  const jobsByHost = countJobsByHost(live);
  const nodes = state.nodes.map((node) => {
    const busy = jobsByHost.find((h) => h.host === node.name)?.total ?? 0;
    return busy === node.slotsBusy ? node : { ...node, slotsBusy: busy };
  });
  const localBusy = jobsByHost.find((h) => h.host === 'localhost')?.phases.compile ?? 0;
  return { ...state, nodes, jobs: live, jobsByHost, jobsUpdatedAt: now, localBusyHistory: pushBounded(state.localBusyHistory, localBusy) };
}

/**
 * Events of the run's own DISTCC_LOG. `building`: the packages emerge.log showed open while the
 * lines were read (for the 'emerge-log' attribution; default: the ones open now).
 */
export function withDistccLogEvents(state: DashboardState, events: Iterable<DistccLogEvent>, building?: readonly string[]): DashboardState {
  const list = [...events];
  const open = building ?? state.emerge.open.map((p) => p.cpv);
  return withPackages({ ...state, distcc: applyDistccLogEvents(state.distcc, list) }, withSharedJobs(state.packages, list, open));
}

/** Events of one package's own log (`atom` is its category/pf). */
export function withPackageLogEvents(state: DashboardState, atom: string, events: Iterable<DistccLogEvent>): DashboardState {
  const list = [...events];
  return withPackages({ ...state, distcc: applyDistccLogEvents(state.distcc, list) }, withPackageJobs(state.packages, atom, list));
}

export function withEmergeLogEvents(state: DashboardState, events: Iterable<EmergeLogEvent>): DashboardState {
  const list = [...events];
  return withPackages({ ...state, emerge: applyEmergeLogEvents(state.emerge, list) }, withPackageTimes(state.packages, list));
}

/** distcc's backoff of a host: `until` from its backoff file, undefined once the file is gone. */
/** What other runs hold on each node now (the run's SHARED_SLOTS_FILE); nodes it does not name keep theirs. */
export function withOtherRuns(state: DashboardState, byHost: ReadonlyMap<string, OtherRuns>): DashboardState {
  let next = state;
  for (const [host, others] of byHost) {
    const node = next.nodes.find((n) => n.name === host);
    if (node === undefined) continue;
    const had = node.otherRuns;
    if (had !== undefined && had.jobs === others.jobs && had.waiting === others.waiting && had.runs === others.runs) continue;
    next = updateNode(next, host, (n) => ({ ...n, otherRuns: others }));
  }
  return next;
}

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

/** Remote and local compiles of distributable jobs so far (DISTCC_LOG). */
export function compiledSoFar(distcc: DistccLogStats): { remote: number; local: number } {
  return {
    remote: distcc.hosts.filter((h) => h.host !== 'localhost').reduce((sum, h) => sum + h.jobs, 0),
    local: distcc.localByChoice + distcc.localAfterFallback,
  };
}

/** A point of the cluster's history: what was compiled by `at`. Once a local tick. */
export function withClusterSample(state: DashboardState, at: number): DashboardState {
  return { ...state, cluster: pushBounded(state.cluster, { at, ...compiledSoFar(state.distcc) }) };
}

const MAX_TALLIES = 4096;
const MAX_ATOM = 256;
const MAX_CAUSES = 32;

function count(value: number): number {
  return Number.isFinite(value) && value > 0 ? Math.floor(value) : 0;
}

// The per-package figures and the renderer's view of them move together: each package with a
// job gets a tally (remote, local, the local ones by cause), so the PORTAGE lines show its share.
function withPackages(state: DashboardState, packages: PackagesState): DashboardState {
  if (packages === state.packages) return state;
  const tallies = packages.list
    .filter((p) => remoteJobsOf(p.distcc) + localJobsOf(p.distcc) > 0)
    .map((p) => ({
      atom: p.atom,
      remote: remoteJobsOf(p.distcc),
      local: localJobsOf(p.distcc),
      localCauses: [
        ...p.distcc.localOnlyByCause,
        { cause: localByChoiceCause(), count: p.distcc.localByChoice },
        { cause: localAfterFallbackCause(), count: p.distcc.localAfterFallback },
      ],
    }));
  return withPackageTallies({ ...state, packages }, tallies.length === 0 ? undefined : tallies);
}

/** Per-package tallies from the attribution of jobs to packages; undefined removes them. */
export function withPackageTallies(state: DashboardState, tallies: readonly PackageTally[] | undefined): DashboardState {
  if (tallies === undefined) {
    const { packageTallies: _gone, ...rest } = state;
    return rest;
  }
  return {
    ...state,
    packageTallies: tallies.slice(0, MAX_TALLIES).map((t) => ({
      atom: sanitizeTerminalText(t.atom, MAX_ATOM),
      remote: count(t.remote),
      local: count(t.local),
      localCauses: t.localCauses.slice(0, MAX_CAUSES).map((c) => ({ cause: sanitizeTerminalText(c.cause, MAX_REASON), count: count(c.count) })),
    })),
  };
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
