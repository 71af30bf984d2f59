// Which package each distcc job belongs to, as plain data in the dashboard state
// (DashboardState.packages). Pure: every function returns a new value.
//
// Two ways to know, chosen by the run (run/dashboard-log.ts) and said in `attribution`:
// - 'package-logs': every package's jobs are in a DISTCC_LOG of its own (run-env/package-logs.ts),
//   so each job's package is exact, with --jobs too; jobs in the run's default log ran outside
//   any package's build and count as unattributed;
// - 'emerge-log': one DISTCC_LOG for the run; a job goes to the package emerge.log shows
//   building while its lines were read, and to unattributed when several (or none) were.
// Either way the packages' figures and unattributed add up to the run's (DashboardState.distcc).

import { applyDistccLogEvents, emptyDistccLogStats, type DistccLogEvent, type DistccLogStats } from './parse/distcc-log.js';
import type { EmergeLogEvent } from './parse/emerge-log.js';

export type Attribution = 'package-logs' | 'emerge-log';

/** One package of the run: `category/pf` as emerge.log and the per-package log names spell it. */
export interface PackageStats {
  atom: string;
  /** Its jobs, as the run's are counted (per host, local jobs by cause, fallbacks). */
  distcc: DistccLogStats;
  /** emerge.log's ">>> emerge" and "::: completed emerge" times, epoch seconds. */
  startedAt?: number;
  finishedAt?: number;
}

export interface PackagesState {
  attribution: Attribution;
  /** In the order they first appeared (started, or a first job). */
  list: readonly PackageStats[];
  /** Jobs that belong to no single package (see above). */
  unattributed: DistccLogStats;
}

// A world update is hundreds of packages; a hostile log must not grow the list without end.
const MAX_PACKAGES = 4096;

export function emptyPackages(attribution: Attribution): PackagesState {
  return { attribution, list: [], unattributed: emptyDistccLogStats() };
}

function updatePackage(state: PackagesState, atom: string, change: (p: PackageStats) => PackageStats): PackagesState {
  const index = state.list.findIndex((p) => p.atom === atom);
  if (index !== -1) return { ...state, list: state.list.map((p, i) => (i === index ? change(p) : p)) };
  if (state.list.length >= MAX_PACKAGES) return state;
  return { ...state, list: [...state.list, change({ atom, distcc: emptyDistccLogStats() })] };
}

/** Events of one package's own log. */
export function withPackageJobs(state: PackagesState, atom: string, events: readonly DistccLogEvent[]): PackagesState {
  if (events.length === 0) return state;
  if (state.list.length >= MAX_PACKAGES && !state.list.some((p) => p.atom === atom)) {
    return { ...state, unattributed: applyDistccLogEvents(state.unattributed, events) };
  }
  return updatePackage(state, atom, (p) => ({ ...p, distcc: applyDistccLogEvents(p.distcc, events) }));
}

/**
 * Events of the run's shared log: the one package building while they were read (`building`:
 * every package emerge.log showed open during the read), or unattributed.
 */
export function withSharedJobs(state: PackagesState, events: readonly DistccLogEvent[], building: readonly string[]): PackagesState {
  if (events.length === 0) return state;
  const only = state.attribution === 'emerge-log' && building.length === 1 ? building[0] : undefined;
  if (only === undefined) return { ...state, unattributed: applyDistccLogEvents(state.unattributed, events) };
  return withPackageJobs(state, only, events);
}

/** emerge.log's package starts and completions: each package's build time. */
export function withPackageTimes(state: PackagesState, events: Iterable<EmergeLogEvent>): PackagesState {
  let next = state;
  for (const event of events) {
    if (event.kind === 'package-start') {
      next = updatePackage(next, event.cpv, (p) => {
        const { finishedAt: _done, ...rest } = p;
        return { ...rest, startedAt: event.time };
      });
    } else if (event.kind === 'package-complete') {
      next = updatePackage(next, event.cpv, (p) => ({ ...p, finishedAt: event.time }));
    }
  }
  return next;
}

/** Jobs that ran on a node, of all the package's (or the run's) jobs. */
export function remoteJobsOf(stats: DistccLogStats): number {
  return stats.hosts.reduce((sum, host) => (host.host === 'localhost' ? sum : sum + host.jobs), 0);
}

/** Local compiles: by choice, after a fallback, and those distcc would not distribute. */
export function localJobsOf(stats: DistccLogStats): number {
  return stats.localByChoice + stats.localAfterFallback + stats.localOnly;
}
