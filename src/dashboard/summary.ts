// The end-of-run summary: what the distributed build achieved, from the dashboard state the
// run accumulated. summarize() is data; renderSummary() is plain text for a terminal or a log.

import * as say from '../messages/summary.js';
import type { CauseCount, ReasonCount } from './parse/distcc-log.js';
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

interface RunSummary {
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
  };
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
