import type { CauseCount } from '../parse/distcc-log.js';
import type { DistccJob, DistccPhase } from '../parse/distcc-state.js';
import type { NodeProcess } from '../parse/ps.js';
import { nodeCpuSeconds, type DashboardState, type NodeState } from '../state.js';

// What the screen shows, derived from the state: one row per node (plus localhost), and one
// row per piece of work (a distcc job, a compiler process on a node, or both when they pair).

export const LOCALHOST = 'localhost';

export type HostCondition = 'up' | 'unreachable' | 'connecting' | 'backoff' | 'local';

export interface HostRow {
  name: string;
  condition: HostCondition;
  /** Seconds of distcc backoff left. */
  backoffSeconds?: number;
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
    if (row.condition === 'backoff' && node.distccBackoffUntil !== undefined) row.backoffSeconds = Math.ceil((node.distccBackoffUntil - now) / 1000);
    if (node.rttMs !== undefined) row.rttMs = node.rttMs;
    if (node.load !== undefined) row.load = node.load.one;
    if (node.sampledAt !== undefined) row.cpuSeconds = nodeCpuSeconds(node);
    return row;
  });
  const local = state.distcc.hosts.find((h) => h.host === LOCALHOST);
  rows.push({
    name: LOCALHOST,
    condition: 'local',
    busy: state.jobsByHost.find((h) => h.host === LOCALHOST)?.total ?? 0,
    slots: state.localSlots,
    done: local?.jobs ?? 0,
    fellBack: 0,
  });
  return rows;
}

/** Unreachable beats distcc's backoff: a node we cannot reach is the bigger news. */
export function nodeCondition(node: NodeState, now: number): HostCondition {
  if (node.status === 'down' || node.status === 'backoff') return 'unreachable';
  if (node.distccBackoffUntil !== undefined && node.distccBackoffUntil > now) return 'backoff';
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
 * One compile on a node is a tree of compiler processes: the driver (gcc) and what it runs
 * (cc1, then as). Each tree is shown as one process: its busiest live member (the stage at
 * work), with the source file the tree's arguments name.
 */
export function compileTrees(processes: readonly NodeProcess[]): Array<{ shown: NodeProcess; sourceFile?: string; elapsedSeconds: number }> {
  const compilers = processes.filter((p) => p.role === 'compiler');
  const byPid = new Map(compilers.map((p) => [p.pid, p]));
  const rootOf = (p: NodeProcess): NodeProcess => {
    let current = p;
    for (let depth = 0; depth < 16; depth++) {
      const parent = byPid.get(current.ppid);
      if (parent === undefined || parent === current) break;
      current = parent;
    }
    return current;
  };
  const trees = new Map<NodeProcess, NodeProcess[]>();
  for (const p of compilers) {
    const root = rootOf(p);
    trees.set(root, [...(trees.get(root) ?? []), p]);
  }
  return [...trees].map(([root, members]) => {
    const live = members.filter((m) => !m.stat.startsWith('Z'));
    const candidates = live.length > 0 ? live : members;
    const shown = candidates.reduce((best, m) => (m.cpuPercent > best.cpuPercent || (m.cpuPercent === best.cpuPercent && m.elapsedSeconds < best.elapsedSeconds) ? m : best));
    const tree: { shown: NodeProcess; sourceFile?: string; elapsedSeconds: number } = { shown, elapsedSeconds: root.elapsedSeconds };
    const sourceFile = [root, ...members].find((m) => m.sourceFile !== undefined)?.sourceFile;
    if (sourceFile !== undefined) tree.sourceFile = sourceFile;
    return tree;
  });
}

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
    const compiles = compileTrees(node?.processes ?? []).sort((a, b) => b.elapsedSeconds - a.elapsedSeconds);
    const remote = jobs.filter((j) => REMOTE_WORK.has(j.phase));
    const paired = host !== LOCALHOST && remote.length === compiles.length;
    for (const job of jobs) {
      const row: WorkRow = { host, job };
      if (job.file !== '') row.file = job.file;
      if (paired) {
        const index = remote.indexOf(job);
        if (index !== -1) row.process = (compiles[index] as { shown: NodeProcess }).shown;
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

export interface Totals {
  remote: number;
  local: number;
  /** Percent of distributable compiles that ran remotely. */
  remoteShare?: number;
  /** Compiles distcc would not distribute (links, -E, -march=native, ...). */
  localOnly: number;
  /** The same by cause, most first. */
  localByCause: readonly CauseCount[];
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
    const part = `${text === '' ? '' : ', '}${cause.count} ${cause.cause}`;
    const tail = left - cause.count > 0 ? `, ${left - cause.count} other`.length : 0;
    if (text !== '' && text.length + part.length + tail > room) return `${text}, ${left} other`;
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
    localOnly: state.distcc.localOther,
    localByCause: [...state.distcc.localByCause].sort((a, b) => b.count - a.count),
    fallbacks: state.distcc.fallbacks,
    nodesUp: state.nodes.filter((n) => nodeCondition(n, now) === 'up' || nodeCondition(n, now) === 'backoff').length,
    nodes: state.nodes.length,
    running: state.jobs.length,
  };
  if (remote + local > 0) result.remoteShare = (remote / (remote + local)) * 100;
  return result;
}
