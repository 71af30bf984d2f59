import { LOCAL_ONLY_SLOTS } from '../../hosts/index.js';
import { counted, otherCount } from '../../messages/dashboard-view.js';
import type { CauseCount } from '../parse/distcc-log.js';
import type { DistccJob, DistccPhase } from '../parse/distcc-state.js';
import type { NodeProcess } from '../parse/ps.js';
import { nodeCpuSeconds, type DashboardState, type NodeCompile, type NodeState } from '../state.js';

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
      node,
    };
    if (row.condition === 'distcc-backoff' && node.distccBackoffUntil !== undefined)
      row.distccBackoffSeconds = Math.ceil((node.distccBackoffUntil - now) / 1000);
    if (node.rttMs !== undefined) row.rttMs = node.rttMs;
    if (node.load !== undefined) row.load = node.load.one;
    if (node.sampledAt !== undefined) row.cpuSeconds = nodeCpuSeconds(node);
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

export interface WorkRow {
  host: string;
  job?: DistccJob;
  process?: NodeProcess;
  /** The source file: the job's, else what the compiler's arguments name. */
  file?: string;
}

// Phases in which the node has (or is about to have) a compiler for the job.
const REMOTE_WORK: ReadonlySet<DistccPhase> = new Set(['send', 'compile', 'receive']);

/**
 * Pairs jobs with compiles per host. A node only sees `distccd_XXXX.i` temp files, so a
 * compile gets a job's file name when the host has exactly as many jobs in send, compile or
 * receive as compiles: then the oldest job goes with the longest-running compile.
 */
export function workRows(state: DashboardState): WorkRow[] {
  const rows: WorkRow[] = [];
  const hosts = [...state.nodes.map((n) => n.name), LOCALHOST];
  for (const job of state.jobs) if (!hosts.includes(job.host)) hosts.push(job.host);
  for (const host of hosts) {
    const jobs = state.jobs.filter((j) => j.host === host).sort((a, b) => a.mtimeMs - b.mtimeMs);
    const node = state.nodes.find((n) => n.name === host);
    const compiles = [...(node?.compiles ?? [])].sort((a, b) => b.elapsedSeconds - a.elapsedSeconds);
    const remote = jobs.filter((j) => REMOTE_WORK.has(j.phase));
    const paired = host !== LOCALHOST && remote.length === compiles.length;
    for (const job of jobs) {
      const row: WorkRow = { host, job };
      if (job.file !== '') row.file = job.file;
      if (paired) {
        const index = remote.indexOf(job);
        if (index !== -1) row.process = (compiles[index] as NodeCompile).shown;
      }
      rows.push(row);
    }
    if (!paired) {
      for (const compile of compiles) {
        const row: WorkRow = { host, process: compile.shown };
        if (compile.sourceFile !== undefined) row.file = compile.sourceFile;
        rows.push(row);
      }
    }
  }
  return rows;
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
  const remote = state.distcc.hosts.filter((h) => h.host !== LOCALHOST).reduce((sum, h) => sum + h.jobs, 0);
  const local = state.distcc.localByChoice + state.distcc.localAfterFallback;
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
