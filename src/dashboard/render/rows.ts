import { LOCAL_ONLY_SLOTS } from '../../hosts/index.js';
import { counted, otherCount } from '../../messages/dashboard-view.js';
import type { CauseCount } from '../parse/distcc-log.js';
import type { NodeProcess } from '../parse/ps.js';
import { joinNode, REMOTE_PHASES } from '../join.js';
import { compiledSoFar, nodeCpuSeconds, type DashboardState, type GoneCompile, type LiveJob, type NodeState } from '../state.js';

// What the screen shows, derived from the state: one row per host (the nodes, then
// localhost), and one row per piece of work (a distcc job, a compile on a node, or both when
// they pair).

export const LOCALHOST = 'localhost';

/**
 * A host as shown: a node is up, unreachable (the sampler gets no answer), connecting, or in
 * distcc's backoff (distcc skips it for DISTCC_BACKOFF_PERIOD after a failure); localhost is local.
 */
type HostCondition = 'up' | 'unreachable' | 'connecting' | 'distcc-backoff' | 'local';

export interface HostRow {
  name: string;
  condition: HostCondition;
  /** Seconds of distcc's backoff left. */
  distccBackoffSeconds?: number;
  rttMs?: number;
  load?: number;
  busy: number;
  slots: number;
  /** Compiles completed there (DISTCC_LOG). */
  done: number;
  /** Jobs that gave up on the host and compiled locally. */
  fellBack: number;
  cpuSeconds?: number;
  node?: NodeState;
  /** Nodes only: running compilers of the distcc user there that serve no job of this run. */
  foreign?: number;
  /** Nodes only (tunnel): what other demerge runs hold there now, of the same slots. */
  otherRuns?: { jobs: number; waiting: number; runs: number };
  /** Busy slots at each sample, oldest first; -1 where the node was not reached. */
  history: readonly number[];
  /** localhost only: jobs of the nodes preprocessing here (distcc notes them as host localhost). */
  preprocessing?: number;
}

/**
 * How many compiles distcc runs on the front end at once: `localhost/N` of DISTCC_HOSTS for the
 * jobs it chooses to keep, and its own 4 local slots for the jobs that must stay (links, -E,
 * -march=native) and for fallbacks, on the same lock files: the larger of the two. With no
 * `localhost` in DISTCC_HOSTS (local_slots = 0) local-only jobs still run, four at a time.
 */
export function localhostSlots(localSlots: number): number {
  return Math.max(localSlots, LOCAL_ONLY_SLOTS);
}

export function hostRows(state: DashboardState, now: number): HostRow[] {
  const rows: HostRow[] = state.nodes.map((node) => {
    const stats = state.distcc.hosts.find((h) => h.host === node.name);
    const row: HostRow = {
      name: node.name,
      condition: nodeCondition(node, now),
      busy: node.slotsBusy,
      slots: node.slotsTotal,
      done: stats?.jobs ?? 0,
      fellBack: stats?.fallbacks ?? 0,
      history: node.busyHistory,
      node,
    };
    if (row.condition === 'distcc-backoff' && node.distccBackoffUntil !== undefined)
      row.distccBackoffSeconds = Math.ceil((node.distccBackoffUntil - now) / 1000);
    if (node.rttMs !== undefined) row.rttMs = node.rttMs;
    if (node.load !== undefined) row.load = node.load.one;
    if (node.sampledAt !== undefined) row.cpuSeconds = nodeCpuSeconds(node);
    if (node.status === 'up') row.foreign = foreignCompiles(state, node);
    if (node.otherRuns !== undefined && node.otherRuns.runs > 0) row.otherRuns = node.otherRuns;
    return row;
  });
  const local = state.distcc.hosts.find((h) => h.host === LOCALHOST);
  // distcc names the host `localhost` both for a compile here (phase compile) and for a node's
  // job while it takes the local preprocessor lock (phase preprocess, no file yet: state.c
  // keeps a second struct for it). Only the first takes a slot of the front end's.
  const phases = state.jobsByHost.find((h) => h.host === LOCALHOST)?.phases;
  rows.push({
    name: LOCALHOST,
    condition: 'local',
    busy: phases?.compile ?? 0,
    slots: localhostSlots(state.localSlots),
    done: local?.jobs ?? 0,
    fellBack: 0,
    history: state.localBusyHistory,
    preprocessing: phases?.preprocess ?? 0,
  });
  return rows;
}

/** Unreachable beats distcc's backoff: a node we cannot reach is the bigger news. */
function nodeCondition(node: NodeState, now: number): HostCondition {
  if (node.status === 'unreachable') return 'unreachable';
  if (node.distccBackoffUntil !== undefined && node.distccBackoffUntil > now) return 'distcc-backoff';
  return node.status === 'connecting' ? 'connecting' : 'up';
}

/** How a work row's job and compiler were put together (src/dashboard/join.ts says how). */
export type WorkMatch =
  /** The only compiler that fits the job. */
  | 'paired'
  /** Paired by order of start: another job or compiler on the node started within a sample. */
  | 'by-order'
  /** In send, no compiler on the node yet. */
  | 'waiting'
  /** In compile, no compiler seen: not sampled yet, or shorter than a sample. */
  | 'no-compiler'
  /** In receive: its compiler is done. */
  | 'done'
  /** A running compiler of the distcc user that serves no job of this run. */
  | 'foreign'
  /** Not at a node's compiler: on localhost, or before send (connect, preprocess, blocked). */
  | 'here';

export interface WorkRow {
  host: string;
  job?: LiveJob;
  /** The compile serving the job, or a foreign one; its busiest process is `process`. */
  process?: NodeProcess;
  /** The job's source file (never a node's `distccd_*` temp name). */
  file?: string;
  /** The package the job belongs to, when that is known. */
  package?: string;
  match: WorkMatch;
}

// distccd's temp files (`distccd_XXXXXX.i`, mkstemp in tempfile.c): not a name the user knows.
const DISTCCD_TEMP = /^distccd_/;

/** The packages Portage builds now: from its status file when there is one, else emerge.log. */
export function buildingPackages(state: DashboardState, now: number): BuildingPackage[] {
  const snapshot = state.portage;
  if (snapshot) {
    return snapshot.tasks
      .filter((t) => t.kind === 'build')
      .map((t) => {
        const building: BuildingPackage = { cpv: t.cpv };
        if (t.phase !== undefined) building.phase = t.phase;
        if (t.elapsedSeconds !== undefined) building.elapsedSeconds = t.elapsedSeconds;
        return building;
      });
  }
  return state.emerge.open.map((p) => {
    const building: BuildingPackage = { cpv: p.cpv, index: p.index, total: p.total, elapsedSeconds: Math.max(0, now / 1000 - p.startedAt) };
    if (p.phase !== undefined) building.phase = p.phase;
    return building;
  });
}

export interface BuildingPackage {
  cpv: string;
  index?: number;
  total?: number;
  phase?: string;
  elapsedSeconds?: number;
}

/**
 * A job's package: what the attribution says (state.jobPackages, when it is filled), else the
 * one package building, if there is exactly one. With several at once and no attribution the
 * dashboard does not guess.
 */
function packageOf(state: DashboardState, job: LiveJob, building: readonly BuildingPackage[]): string | undefined {
  const attributed = state.jobPackages?.[job.pid];
  if (attributed !== undefined) return attributed;
  return building.length === 1 ? building[0]?.cpv : undefined;
}

function jobRow(state: DashboardState, host: string, job: LiveJob, building: readonly BuildingPackage[], match: WorkMatch): WorkRow {
  const row: WorkRow = { host, job, match };
  if (job.file !== '') row.file = job.file;
  const pkg = packageOf(state, job, building);
  if (pkg !== undefined) row.package = pkg;
  return row;
}

function unmatchedMatch(job: LiveJob): WorkMatch {
  if (job.phase === 'send') return 'waiting';
  if (job.phase === 'receive') return 'done';
  return 'no-compiler';
}

/**
 * One row per piece of work, by host: each node's jobs joined to the compilers serving them
 * (joinNode: by node and start time, oldest to oldest), oldest first; then its jobs not yet at
 * a compiler; then the compilers no job of this run explains (foreign load). localhost's jobs,
 * and jobs naming a host not in the run, come without a compiler.
 */
export function workRows(state: DashboardState, now: number = Date.now()): WorkRow[] {
  const rows: WorkRow[] = [];
  const building = buildingPackages(state, now);
  const hosts = [...state.nodes.map((n) => n.name), LOCALHOST];
  for (const job of state.jobs) if (!hosts.includes(job.host)) hosts.push(job.host);
  for (const host of hosts) {
    const jobs = state.jobs.filter((j) => j.host === host).sort((a, b) => a.sinceMs - b.sinceMs || a.pid - b.pid);
    const node = state.nodes.find((n) => n.name === host);
    if (node === undefined) {
      for (const job of jobs) rows.push(jobRow(state, host, job, building, 'here'));
      continue;
    }
    const join = joinNode(jobs, node.compiles, state.sampleIntervalMs, goneAfterRead(state, node));
    for (const pair of join.pairs) {
      const row = jobRow(state, host, pair.job, building, pair.byOrder ? 'by-order' : 'paired');
      row.process = pair.compile.shown;
      rows.push(row);
    }
    for (const job of join.unmatchedJobs) rows.push(jobRow(state, host, job, building, unmatchedMatch(job)));
    for (const job of jobs) if (!REMOTE_PHASES.has(job.phase)) rows.push(jobRow(state, host, job, building, 'here'));
    for (const compile of join.foreign) {
      const row: WorkRow = { host, process: compile.shown, match: 'foreign' };
      if (compile.sourceFile !== undefined && !DISTCCD_TEMP.test(compile.sourceFile)) row.file = compile.sourceFile;
      rows.push(row);
    }
  }
  return rows;
}

/**
 * The node's compiles that may still have run when the state files were read: gone by a sample
 * after that read. The read's jobs may include theirs (see joinNode's `gone`).
 */
function goneAfterRead(state: DashboardState, node: NodeState): GoneCompile[] {
  const readAt = state.jobsUpdatedAt ?? 0;
  return (node.goneCompiles ?? []).filter((g) => g.goneAt > readAt);
}

/** Running compilers of the distcc user on the node that serve no job of this run. */
export function foreignCompiles(state: DashboardState, node: NodeState): number {
  return joinNode(
    state.jobs.filter((j) => j.host === node.name),
    node.compiles,
    state.sampleIntervalMs,
  ).foreign.length;
}

interface Totals {
  remote: number;
  local: number;
  /** Percent of distributable compiles that ran remotely. */
  remoteShare?: number;
  /** Compiles distcc would not distribute (links, -E, -march=native, ...). */
  localOnly: number;
  /** The same by cause, most first. */
  localOnlyByCause: readonly CauseCount[];
  fallbacks: number;
  nodesUp: number;
  nodes: number;
  running: number;
}

/**
 * "40 -march=native, 1 linking or not a compile" in about `room` columns: the causes that fit,
 * in the order given, then the jobs of the rest as "N other", so the numbers still add up.
 * The first cause is always named (a caller that must fit a width cuts the line).
 */
export function causeCounts(causes: readonly CauseCount[], room: number): string {
  let text = '';
  let left = causes.reduce((sum, c) => sum + c.count, 0);
  for (const cause of causes) {
    const part = `${text === '' ? '' : ', '}${counted(cause.count, cause.cause)}`;
    const tail = left - cause.count > 0 ? `, ${otherCount(left - cause.count)}`.length : 0;
    if (text !== '' && text.length + part.length + tail > room) return `${text}, ${otherCount(left)}`;
    text += part;
    left -= cause.count;
  }
  return text;
}

export function totals(state: DashboardState, now: number): Totals {
  const { remote, local } = compiledSoFar(state.distcc);
  const result: Totals = {
    remote,
    local,
    localOnly: state.distcc.localOnly,
    localOnlyByCause: [...state.distcc.localOnlyByCause].sort((a, b) => b.count - a.count),
    fallbacks: state.distcc.fallbacks,
    nodesUp: state.nodes.filter((n) => nodeCondition(n, now) === 'up' || nodeCondition(n, now) === 'distcc-backoff').length,
    nodes: state.nodes.length,
    running: state.jobs.length,
  };
  if (remote + local > 0) result.remoteShare = (remote / (remote + local)) * 100;
  return result;
}
