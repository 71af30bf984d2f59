import { LOCAL_ONLY_SLOTS } from '../../hosts/index.js';
import * as say from '../../messages/dashboard-view.js';
import { nodeEventLine } from '../../messages/summary.js';
import { endsProblem } from '../parse/node-events.js';
import type { NodeProcess } from '../parse/ps.js';
import type { DashboardState } from '../state.js';
import { headerLine, layoutColumns, rowLine, type Column } from './columns.js';
import { formatAge, formatClock, formatKiB, formatMs, formatPercent } from './format.js';
import { conditionText, phaseSummary, workColumns } from './main-view.js';
import { hostRows, LOCALHOST, workRows, type HostRow } from './rows.js';
import { seg, type Line } from './text.js';

// One host in full: its state and why, what distcc logged about it, every job it has, and
// every process of the distcc user there (not only compilers: distccd, zombies, strays).

const PROCESS_COLUMNS: readonly Column<NodeProcess>[] = [
  { title: 'PID', width: 7, align: 'right', priority: 90, cell: (p) => String(p.pid) },
  { title: 'PPID', width: 7, align: 'right', priority: 40, cell: (p) => String(p.ppid) },
  { title: 'STAT', width: 4, align: 'left', priority: 50, cell: (p) => p.stat },
  { title: 'TIME', width: 6, align: 'right', priority: 80, cell: (p) => formatClock(p.elapsedSeconds) },
  { title: 'CPU%', width: 5, align: 'right', priority: 70, cell: (p) => formatPercent(p.cpuPercent) },
  { title: 'RSS', width: 5, align: 'right', priority: 60, cell: (p) => formatKiB(p.rssKiB) },
  { title: 'COMMAND', width: 0, align: 'left', priority: 99, flex: true, minWidth: 12, cell: (p) => p.args || p.comm },
];

function words(parts: Array<string | undefined>): string {
  return parts.filter((p): p is string => p !== undefined && p !== '').join(' · ');
}

export function detailView(state: DashboardState, now: number, width: number, rows: number, selected: number): Line[] {
  const all = hostRows(state, now);
  const row: HostRow | undefined = all[Math.min(selected, all.length - 1)];
  if (row === undefined) return [];
  const node = row.node;
  const lines: Line[] = [];
  const stats = state.distcc.hosts.find((h) => h.host === row.name);
  const jobs = state.jobsByHost.find((h) => h.host === row.name);
  const head: Line = [
    seg(` ${row.name === LOCALHOST ? 'LOCALHOST' : 'NODE'} ${row.name} `, 'bold'),
    seg(
      conditionText(row),
      row.condition === 'unreachable' ? 'bad' : row.condition === 'up' ? 'good' : row.condition === 'distcc-backoff' ? 'warn' : undefined,
    ),
  ];
  if (node) {
    head.push(
      seg(
        `  ${words([
          node.rttMs === undefined ? undefined : say.rttText(formatMs(node.rttMs)),
          node.load === undefined ? undefined : say.loadText(node.load.one, node.load.five, node.load.fifteen),
          node.cpus === undefined ? undefined : say.cpusText(node.cpus),
          node.sampledAt === undefined ? undefined : say.sampledAgo(formatAge((now - node.sampledAt) / 1000)),
        ])}`,
      ),
    );
  }
  lines.push(head);
  lines.push([
    seg(
      ` ${words([
        say.slotsBusy(row.busy, row.slots),
        row.foreign ? say.foreignDetail(row.foreign) : undefined,
        jobs ? say.jobsByPhase(phaseSummary(jobs.phases)) : undefined,
        say.distccCounts(stats?.jobs ?? 0, stats?.failed ?? 0, stats?.failedAttempts ?? 0, stats?.fallbacks ?? 0),
        stats && stats.jobSeconds > 0 ? say.jobTimeText(formatClock(stats.jobSeconds)) : undefined,
        row.cpuSeconds === undefined ? undefined : say.compilerCpuText(formatClock(row.cpuSeconds)),
      ])}`,
    ),
  ]);
  if (row.name === LOCALHOST) lines.push([seg(` ${say.localSlotsExplained(state.localSlots, LOCAL_ONLY_SLOTS, row.preprocessing ?? 0)}`, 'dim')]);
  if (node?.unreachableReason !== undefined) lines.push([seg(` ${say.unreachableBecause(node.unreachableReason)}`, 'bad')]);
  if (row.condition === 'distcc-backoff') lines.push([seg(` ${say.distccSkipsNode(row.distccBackoffSeconds)}`, 'warn')]);
  if (node?.note !== undefined) lines.push([seg(` ${node.note}`, 'warn')]);
  for (const event of node?.events ?? []) {
    const when = formatClock(Math.max(0, (event.at - state.startedAt) / 1000));
    lines.push([seg(` ${nodeEventLine(when, event.kind, event.cause, event.count)}`, endsProblem(event.kind) ? 'good' : 'warn')]);
  }
  lines.push([]);
  const work = workRows(state, now).filter((w) => w.host === row.name);
  const columns = layoutColumns(workColumns(now, Math.min(15, row.name.length)), width - 1);
  const processes = node?.processes ?? [];
  // Split what is left between the work and the processes.
  const left = Math.max(2, rows - lines.length - 2);
  const workRoom = processes.length === 0 ? left : Math.max(1, Math.min(work.length, Math.ceil(left / 2)));
  lines.push([seg(' WORK', 'bold')], headerLine(columns));
  if (work.length === 0) lines.push([seg(` ${say.noneListed()}`, 'dim')]);
  for (const w of work.slice(0, workRoom)) lines.push(rowLine(columns, w));
  if (work.length > workRoom) lines.push([seg(` ${say.moreRows(work.length - workRoom)}`, 'dim')]);
  if (node) {
    const procColumns = layoutColumns(PROCESS_COLUMNS, width - 1);
    lines.push([], [seg(' PROCESSES OF THE DISTCC USER', 'bold')], headerLine(procColumns));
    if (processes.length === 0) lines.push([seg(` ${node.status === 'up' ? say.noneListed() : say.processesUnknown()}`, 'dim')]);
    const room = Math.max(1, rows - lines.length);
    const shown = processes.length <= room ? processes : processes.slice(0, room - 1);
    for (const p of shown) lines.push(rowLine(procColumns, p, ' ', p.role === 'compiler' ? 'good' : undefined));
    if (shown.length < processes.length) lines.push([seg(` ${say.moreRows(processes.length - shown.length)}`, 'dim')]);
  }
  return lines.slice(0, rows);
}
