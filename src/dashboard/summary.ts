// The end-of-run summary: what the distributed build achieved, from the dashboard state the
// run accumulated. summarize() is data; renderSummary() is plain text for a terminal or a log.

import * as say from '../messages/summary.js';
import { localJobsOf, remoteJobsOf, type Attribution } from './packages.js';
import type { CauseCount, DistccLogStats, ReasonCount } from './parse/distcc-log.js';
import { sanitizeTerminalText } from './sanitize.js';
import { nodeCpuSeconds, type DashboardState, type NodeEventRecord } from './state.js';

interface NodeSummary {
  name: string;
  /** Compiles completed on the node (from DISTCC_LOG). */
  jobs: number;
  /** Compiles that failed there (compiler errors; distcc then retried locally). */
  failed: number;
  /** Attempts that failed on the way and moved to another host. */
  failedAttempts: number;
  /** Jobs that gave up on the node and compiled locally. */
  fallbacks: number;
  /** Remote job time (connect to results) summed, where distcc logged it. */
  jobSeconds: number;
  /** Compiler CPU seconds seen by sampling; absent if the node was never sampled. */
  cpuSeconds?: number;
  /** What happened to the build's connection to the node; absent when nothing did. */
  events?: readonly NodeEventRecord[];
  /** The sampler could not reach the node at the end, and why. */
  unreachableReason?: string;
}

/** Why a package's jobs ran locally: distcc's causes, and the two kinds of distributable local jobs. */
export interface LocalCauses {
  /** A localhost slot was free. */
  byChoice: number;
  /** A remote attempt failed. */
  afterFallback: number;
  /** Jobs distcc would not distribute, by cause label, most first. */
  localOnly: CauseCount[];
}

/** One package of the run, as the summary and the history tell it. */
export interface PackageSummary {
  /** category/name-version. */
  atom: string;
  remoteJobs: number;
  localJobs: number;
  /** Share of its distributable jobs compiled remotely; absent when it had none. */
  remoteSharePercent?: number;
  localCauses: LocalCauses;
  /** From emerge.log's start to its completion; absent when it did not complete. */
  seconds?: number;
  /** emerge.log logged its completion. */
  merged: boolean;
}

/** Jobs no single package could be given; absent when there were none. */
export interface UnattributedSummary {
  remoteJobs: number;
  localJobs: number;
  localCauses: LocalCauses;
}

export interface RunSummary {
  /** Epoch ms: event times are shown from here. */
  startedAt: number;
  wallSeconds: number;
  nodes: NodeSummary[];
  remoteJobs: number;
  localByChoice: number;
  localAfterFallback: number;
  localOnly: number;
  /** The local-only jobs by cause, most first (ties as they came); the counts sum to localOnly. */
  localOnlyByCause: CauseCount[];
  /** Remote and local compiles of distributable jobs. */
  distributableJobs: number;
  /** Share of distributable jobs compiled remotely; absent when there were none. */
  remoteSharePercent?: number;
  fallbacks: { total: number; byHost: Array<{ host: string; count: number }>; reasons: ReasonCount[] };
  emerge: { completed: number; total?: number; exitCode?: number; failed: boolean; failedPackages: string[] };
  /** How jobs were given to packages (dashboard/packages.ts). */
  attribution: Attribution;
  packages: PackageSummary[];
  unattributed?: UnattributedSummary;
}

function localCausesOf(stats: DistccLogStats): LocalCauses {
  return {
    byChoice: stats.localByChoice,
    afterFallback: stats.localAfterFallback,
    localOnly: [...stats.localOnlyByCause].sort((a, b) => b.count - a.count),
  };
}

function packageSummary(atom: string, stats: DistccLogStats, startedAt: number | undefined, finishedAt: number | undefined): PackageSummary {
  const remoteJobs = remoteJobsOf(stats);
  const distributable = remoteJobs + stats.localByChoice + stats.localAfterFallback;
  const summary: PackageSummary = { atom, remoteJobs, localJobs: localJobsOf(stats), localCauses: localCausesOf(stats), merged: finishedAt !== undefined };
  if (distributable > 0) summary.remoteSharePercent = (remoteJobs / distributable) * 100;
  if (startedAt !== undefined && finishedAt !== undefined) summary.seconds = Math.max(0, finishedAt - startedAt);
  return summary;
}

/** Summary data for a run that began at state.startedAt and ended at endTime (epoch ms). */
export function summarize(state: DashboardState, endTime: number): RunSummary {
  const stats = state.distcc;
  const names = new Set(state.nodes.map((n) => n.name));
  const nodes: NodeSummary[] = state.nodes.map((node) => {
    const host = stats.hosts.find((h) => h.host === node.name);
    const summary: NodeSummary = {
      name: node.name,
      jobs: host?.jobs ?? 0,
      failed: host?.failed ?? 0,
      failedAttempts: host?.failedAttempts ?? 0,
      fallbacks: host?.fallbacks ?? 0,
      jobSeconds: host?.jobSeconds ?? 0,
    };
    if (node.sampledAt !== undefined) {
      summary.cpuSeconds = nodeCpuSeconds(node);
    }
    if (node.events !== undefined && node.events.length > 0) summary.events = node.events;
    if (node.status === 'unreachable' && node.unreachableReason !== undefined) summary.unreachableReason = node.unreachableReason;
    return summary;
  });
  // Hosts the log names but the configuration does not (a DISTCC_HOSTS from elsewhere).
  for (const host of stats.hosts) {
    if (host.host === 'localhost' || names.has(host.host)) continue;
    nodes.push({
      name: host.host,
      jobs: host.jobs,
      failed: host.failed,
      failedAttempts: host.failedAttempts,
      fallbacks: host.fallbacks,
      jobSeconds: host.jobSeconds,
    });
  }
  const remoteJobs = nodes.reduce((sum, n) => sum + n.jobs, 0);
  const distributableJobs = remoteJobs + stats.localByChoice + stats.localAfterFallback;
  const summary: RunSummary = {
    startedAt: state.startedAt,
    wallSeconds: Math.max(0, (endTime - state.startedAt) / 1000),
    nodes,
    remoteJobs,
    localByChoice: stats.localByChoice,
    localAfterFallback: stats.localAfterFallback,
    localOnly: stats.localOnly,
    localOnlyByCause: [...stats.localOnlyByCause].sort((a, b) => b.count - a.count),
    distributableJobs,
    fallbacks: {
      total: stats.fallbacks,
      byHost: stats.hosts.filter((h) => h.fallbacks > 0).map((h) => ({ host: h.host, count: h.fallbacks })),
      reasons: [...stats.fallbackReasons].sort((a, b) => b.count - a.count),
    },
    emerge: {
      completed: state.emerge.completed,
      failed: state.emerge.failed,
      failedPackages: [...state.emerge.failedPackages],
    },
    attribution: state.packages.attribution,
    packages: state.packages.list.map((p) => packageSummary(p.atom, p.distcc, p.startedAt, p.finishedAt)),
  };
  const loose = state.packages.unattributed;
  if (remoteJobsOf(loose) + localJobsOf(loose) > 0) {
    summary.unattributed = { remoteJobs: remoteJobsOf(loose), localJobs: localJobsOf(loose), localCauses: localCausesOf(loose) };
  }
  if (distributableJobs > 0) summary.remoteSharePercent = (remoteJobs / distributableJobs) * 100;
  if (state.emerge.total !== undefined) summary.emerge.total = state.emerge.total;
  if (state.emerge.exitCode !== undefined) summary.emerge.exitCode = state.emerge.exitCode;
  return summary;
}

// --- text ---------------------------------------------------------------------------------

const WIDTH = 80;

/** "1h 02m", "3m 05s", "12.3s", "0.4s". */
export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds < 0) return '?';
  if (seconds < 60) return `${seconds < 10 ? seconds.toFixed(1) : Math.round(seconds)}s`;
  const total = Math.round(seconds);
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = total % 60;
  return h > 0 ? `${h}h ${String(m).padStart(2, '0')}m` : `${m}m ${String(s).padStart(2, '0')}s`;
}

function text(value: string, width: number): string {
  return sanitizeTerminalText(value, width);
}

function left(value: string, width: number): string {
  return text(value, width).padEnd(width);
}

function right(value: string | number, width: number): string {
  return text(String(value), width).padStart(width);
}

// Word-wraps a sentence to the width, the first line after `lead`, continuation lines indented.
function wrap(sentence: string, indent: string = '  ', lead: string = ''): string[] {
  const lines: string[] = [];
  let line = lead;
  for (const word of sentence.split(' ')) {
    const candidate = line.length === lead.length && lines.length === 0 ? `${lead}${word}` : `${line} ${word}`;
    if (candidate.length > WIDTH && line.length > 0) {
      lines.push(line);
      line = `${indent}${word}`;
    } else line = candidate;
  }
  if (line.length > 0) lines.push(line);
  return lines.map((l) => text(l, WIDTH));
}

function emergeLine(summary: RunSummary): string {
  const e = summary.emerge;
  const exit = e.exitCode === undefined ? (e.failed ? say.emergeStopped() : say.noExitStatus()) : say.emergeExited(e.exitCode);
  return say.wallTimeLine(formatDuration(summary.wallSeconds), e.completed, e.total, exit);
}

function jobsSentence(summary: RunSummary): string {
  if (summary.distributableJobs === 0) {
    return summary.localOnly > 0 ? say.noDistributableJobs(summary.localOnly) : say.noCompileJobs();
  }
  const parts = [say.ranRemotely(summary.remoteJobs, summary.distributableJobs, (summary.remoteSharePercent ?? 0).toFixed(1))];
  if (summary.localByChoice > 0) parts.push(say.localByChoice(summary.localByChoice));
  if (summary.localAfterFallback > 0) parts.push(say.localAfterFallback(summary.localAfterFallback));
  if (summary.localOnly > 0) parts.push(say.couldNotDistribute(summary.localOnly));
  return say.jobsSentence(parts);
}

const NAME_W = 24;

function nodeProblemLines(node: NodeSummary, startedAt: number): string[] {
  const lines = [`  ${text(node.name, WIDTH - 2)}`];
  for (const event of node.events ?? []) {
    const when = formatDuration(Math.max(0, (event.at - startedAt) / 1000));
    lines.push(...wrap(say.nodeEventLine(when, event.kind, event.cause, event.count), '      ', '    '));
  }
  if (node.unreachableReason !== undefined) lines.push(...wrap(say.unreachableAtEnd(node.unreachableReason), '      ', '    '));
  return lines;
}

const ATOM_W = 36;

function causesText(causes: LocalCauses): string {
  const parts = causes.localOnly.map((c) => say.causeCount(c.count, c.cause));
  if (causes.byChoice > 0) parts.push(say.byChoiceCount(causes.byChoice));
  if (causes.afterFallback > 0) parts.push(say.afterFallbackCount(causes.afterFallback));
  return parts.join(', ');
}

function jobColumns(remote: number, local: number, share: number | undefined, time: string): string {
  const shown = share === undefined ? '-' : `${share.toFixed(share === 100 ? 0 : 1)}%`;
  return `${right(remote, 7)} ${right(local, 6)} ${right(shown, 6)} ${right(time, 8)}`;
}

/** One line per package (its local jobs' causes on the next), then the jobs no package could be given. */
function packageLines(summary: RunSummary): string[] {
  const head = say.packageTableHeads;
  const lines = [`${left(head.pkg, ATOM_W)} ${right(head.remote, 7)} ${right(head.local, 6)} ${right(head.share, 6)} ${right(head.time, 8)}`];
  for (const p of summary.packages) {
    const time = p.seconds === undefined ? say.notCompleted() : formatDuration(p.seconds);
    if (p.remoteJobs + p.localJobs === 0) {
      lines.push(`${left(p.atom, ATOM_W)} ${left(say.noCompilerJobs(), 21)} ${right(time, 8)}`);
      continue;
    }
    lines.push(`${left(p.atom, ATOM_W)} ${jobColumns(p.remoteJobs, p.localJobs, p.remoteSharePercent, time)}`);
    const causes = causesText(p.localCauses);
    if (causes !== '') lines.push(...wrap(say.localCausesLine(causes), '      ', '    '));
  }
  const loose = summary.unattributed;
  if (loose !== undefined) {
    const label = summary.attribution === 'package-logs' ? say.outsidePackages() : say.unattributed();
    lines.push(`${left(label, ATOM_W)} ${jobColumns(loose.remoteJobs, loose.localJobs, undefined, '')}`);
    const causes = causesText(loose.localCauses);
    if (causes !== '') lines.push(...wrap(say.localCausesLine(causes), '      ', '    '));
  }
  return lines;
}

/** The summary as plain text lines, none wider than 80 columns. */
export function renderSummary(summary: RunSummary): string {
  const lines: string[] = [say.summaryTitle(), ...wrap(emergeLine(summary)), ...wrap(jobsSentence(summary))];
  if (summary.emerge.failedPackages.length > 0) {
    lines.push(...wrap(say.failedPackages(summary.emerge.failedPackages)));
  }
  if (summary.nodes.length > 0) {
    const head = say.nodeTableHeads;
    lines.push('');
    lines.push(
      `${left(head.node, NAME_W)} ${right(head.jobs, 7)} ${right(head.failed, 7)} ${right(head.retried, 7)} ${right(head.fellBack, 9)} ${right(head.jobTime, 9)} ${right(head.cpu, 9)}`,
    );
    for (const node of summary.nodes) {
      const cpu = node.cpuSeconds === undefined ? '-' : formatDuration(node.cpuSeconds);
      const jobTime = node.jobSeconds > 0 ? formatDuration(node.jobSeconds) : '-';
      lines.push(
        `${left(node.name, NAME_W)} ${right(node.jobs, 7)} ${right(node.failed, 7)} ${right(node.failedAttempts, 7)} ${right(node.fallbacks, 9)} ${right(jobTime, 9)} ${right(cpu, 9)}`,
      );
    }
  }
  if (summary.packages.length > 0 || summary.unattributed !== undefined) lines.push('', ...packageLines(summary));
  const withProblems = summary.nodes.filter((node) => node.events !== undefined || node.unreachableReason !== undefined);
  if (withProblems.length > 0) {
    lines.push('', say.nodeProblemsHead());
    for (const node of withProblems) lines.push(...nodeProblemLines(node, summary.startedAt));
  }
  if (summary.localOnlyByCause.length > 0) {
    lines.push('', say.localOnlyHead());
    for (const cause of summary.localOnlyByCause) lines.push(`  ${right(cause.count, 6)}  ${text(cause.cause, WIDTH - 10)}`);
  }
  if (summary.fallbacks.total > 0) {
    lines.push('');
    lines.push(say.fallbacksHead(summary.fallbacks.total));
    for (const reason of summary.fallbacks.reasons) lines.push(`  ${right(reason.count, 6)}  ${text(reason.reason, WIDTH - 10)}`);
  }
  return `${lines.map((line) => line.trimEnd()).join('\n')}\n`;
}
