import * as say from '../../messages/dashboard-view.js';
import { DISTCC_PHASES } from '../parse/distcc-state.js';
import type { DashboardState, PackageTally } from '../state.js';
import { headerLine, layoutColumns, rowLine, type Column } from './columns.js';
import { formatAge, formatClock, formatKiB, formatMs, formatPercent } from './format.js';
import { chartRows, glyphsFor, stripText, type Glyphs } from './charts.js';
import { buildingPackages, causeCounts, hostRows, LOCALHOST, totals, workRows, type BuildingPackage, type HostRow, type WorkRow } from './rows.js';
import { clipLine, fit, lineText, seg, type Line, type Style } from './text.js';

// The main view's sections: the host table, the work table (jobs and compilers), the totals
// and fallbacks line, and the Portage line. Each returns lines no wider than `width`.

const CONDITION_STYLE: Record<HostRow['condition'], Style | undefined> = {
  up: 'good',
  unreachable: 'bad',
  connecting: 'dim',
  'distcc-backoff': 'warn',
  local: undefined,
};

export function conditionText(row: HostRow): string {
  if (row.condition === 'distcc-backoff' && row.distccBackoffSeconds !== undefined) return say.distccBackoffLeft(row.distccBackoffSeconds);
  return say.hostStateWords[row.condition];
}

// The activity strip takes the width that is left; its cells are drawn once its width is known.
const ACTIVITY = 'ACTIVITY';
const OTHERS = 'OTHERS';

const HOST_COLUMNS: readonly Column<HostRow>[] = [
  { title: 'HOST', width: 12, align: 'left', priority: 99, cell: (r) => r.name },
  { title: 'STATE', width: 12, align: 'left', priority: 90, cell: conditionText, style: (r) => CONDITION_STYLE[r.condition] },
  { title: 'RTT', width: 6, align: 'right', priority: 40, cell: (r) => (r.condition === 'local' ? '' : formatMs(r.rttMs)) },
  { title: 'LOAD', width: 5, align: 'right', priority: 50, cell: (r) => (r.load === undefined ? (r.condition === 'local' ? '' : '-') : r.load.toFixed(2)) },
  { title: 'SLOTS', width: 5, align: 'right', priority: 80, cell: (r) => `${r.busy}/${r.slots}` },
  {
    title: 'FOREIGN',
    width: 7,
    align: 'right',
    priority: 65,
    cell: (r) => (r.foreign ? say.foreignCount(r.foreign) : ''),
    style: (r) => (r.foreign ? 'warn' : undefined),
  },
  {
    // The node's slots are shared by every run there: what the others hold is why ours wait.
    title: OTHERS,
    width: 6,
    align: 'right',
    priority: 66,
    cell: (r) => (r.otherRuns === undefined ? '' : say.otherRunsCell(r.otherRuns.jobs, r.otherRuns.waiting)),
    style: (r) => (r.otherRuns !== undefined && r.otherRuns.jobs > 0 ? 'warn' : undefined),
  },
  { title: 'DONE', width: 5, align: 'right', priority: 70, cell: (r) => String(r.done) },
  {
    title: 'FELL',
    width: 4,
    align: 'right',
    priority: 60,
    cell: (r) => (r.condition === 'local' ? '' : String(r.fellBack)),
    style: (r) => (r.fellBack > 0 ? 'warn' : undefined),
  },
  { title: 'CPU', width: 6, align: 'right', priority: 30, cell: (r) => (r.cpuSeconds === undefined ? '' : formatClock(r.cpuSeconds)) },
  { title: ACTIVITY, width: 0, align: 'left', priority: 98, flex: true, minWidth: 8, cell: () => '' },
];

/** The host columns for this frame: HOST as wide as the longest name (9 to 24), the strip drawn to its width. */
function hostColumns(rows: readonly HostRow[], width: number, glyphs: Glyphs, intervalMs: number): Column<HostRow>[] {
  const hostWidth = Math.min(24, Math.max(9, ...rows.map((r) => r.name.length)));
  // Other runs' column only while some node has other runs on it (the tunnel's shared nodes).
  const shown = rows.some((r) => r.otherRuns !== undefined) ? HOST_COLUMNS : HOST_COLUMNS.filter((c) => c.title !== OTHERS);
  const laid = layoutColumns(
    shown.map((c) => (c.title === 'HOST' ? { ...c, width: hostWidth } : c)),
    width,
  );
  return laid.map((c) =>
    c.title === ACTIVITY
      ? {
          ...c,
          title: fit(say.activityTitle(formatAge((c.width * intervalMs) / 1000)), c.width).endsWith('…')
            ? say.activityShort()
            : say.activityTitle(formatAge((c.width * intervalMs) / 1000)),
          cell: (r: HostRow) =>
            stripText(
              r.history.map((v) => (v < 0 ? undefined : v)),
              Math.max(1, r.slots),
              c.width,
              glyphs,
            ),
          style: (r: HostRow) => (r.condition === 'unreachable' ? 'bad' : 'good'),
        }
      : c,
  );
}

/** "x86_64-pc-linux-gnu-gcc-13" reads as "gcc-13": the target is the same on every row. */
function shortCompiler(name: string): string {
  const match = /^(?:[A-Za-z0-9_.]+-)+?((?:gcc|g\+\+|cc|c\+\+|clang\+\+|clang|as|cpp)(?:-[0-9.]+)?)$/.exec(name);
  return match?.[1] ?? name;
}

/** The visible window of `count` rows that keeps `selected` in view. */
function scrollWindow(count: number, visible: number, selected: number): { start: number; end: number } {
  if (count <= visible) return { start: 0, end: count };
  const start = Math.max(0, Math.min(count - visible, selected - Math.floor(visible / 2)));
  return { start, end: start + visible };
}

export function hostTable(state: DashboardState, now: number, width: number, rows: number, selected: number, glyphs: Glyphs = glyphsFor('unicode')): Line[] {
  const all = hostRows(state, now);
  const columns = hostColumns(all, width - 2, glyphs, state.sampleIntervalMs);
  const lines: Line[] = [headerLine(columns, '  ')];
  const window = scrollWindow(all.length, Math.max(1, rows - 1), selected);
  for (let i = window.start; i < window.end; i++) {
    const row = all[i] as HostRow;
    const chosen = i === selected;
    lines.push(rowLine(columns, row, chosen ? '> ' : '  ', chosen ? 'selected' : undefined));
  }
  return lines;
}

function phaseText(row: WorkRow): string {
  return row.job?.phase ?? (row.match === 'foreign' ? say.foreignPhase() : '');
}

/** The compiler's name, or what stands in for it: waiting, none yet, done, local. */
function compilerText(row: WorkRow): string {
  if (row.process) return shortCompiler(row.process.compiler ?? row.process.comm);
  if (row.match === 'here') return row.host === LOCALHOST && row.job?.phase === 'compile' ? say.localCompile() : '';
  return say.joinWords[row.match];
}

export function workColumns(now: number, hostWidth: number): Column<WorkRow>[] {
  return [
    { title: 'HOST', width: hostWidth, align: 'left', priority: 95, cell: (r) => r.host },
    { title: 'FILE', width: 0, align: 'left', priority: 99, flex: true, minWidth: 10, cell: (r) => r.file ?? '-' },
    { title: 'PACKAGE', width: 22, align: 'left', priority: 55, cell: (r) => r.package ?? '' },
    {
      title: 'PHASE',
      width: 8,
      align: 'left',
      priority: 90,
      cell: phaseText,
      style: (r) => (r.match === 'foreign' ? 'warn' : r.job?.phase === 'compile' ? 'good' : undefined),
    },
    { title: 'AGE', width: 5, align: 'right', priority: 50, cell: (r) => (r.job ? formatAge((now - r.job.mtimeMs) / 1000) : '') },
    { title: 'PID', width: 7, align: 'right', priority: 88, cell: (r) => (r.process ? String(r.process.pid) : '') },
    { title: 'TIME', width: 5, align: 'right', priority: 40, cell: (r) => (r.process ? formatClock(r.process.elapsedSeconds) : '') },
    { title: 'CPU%', width: 5, align: 'right', priority: 75, cell: (r) => (r.process ? formatPercent(r.process.cpuPercent) : '') },
    { title: 'RSS', width: 5, align: 'right', priority: 60, cell: (r) => (r.process ? formatKiB(r.process.rssKiB) : '') },
    { title: 'COMPILER', width: 9, align: 'left', priority: 85, cell: compilerText, style: (r) => (r.process ? undefined : 'dim') },
    {
      title: 'JOIN',
      width: 8,
      align: 'left',
      priority: 82,
      cell: (r) => (r.match === 'by-order' ? say.joinWords['by-order'] : ''),
      style: () => 'warn',
    },
  ];
}

export function workTable(state: DashboardState, now: number, width: number, rows: number): Line[] {
  const all = workRows(state, now);
  const hostWidth = Math.min(15, Math.max(9, ...state.nodes.map((n) => n.name.length)));
  const columns = layoutColumns(workColumns(now, hostWidth), width - 1);
  const lines: Line[] = [headerLine(columns)];
  const room = Math.max(0, rows - 1);
  if (all.length === 0) {
    if (room > 0) lines.push([seg(` ${say.noWork()}`, 'dim')]);
    return lines;
  }
  const shown = all.length <= room ? all : all.slice(0, Math.max(0, room - 1));
  for (const row of shown) lines.push(rowLine(columns, row));
  if (shown.length < all.length && room > 0) {
    lines.push([seg(fit(` ${say.moreWork(all.length - shown.length)}`, width), 'dim')]);
  }
  return lines;
}

export function totalsLine(state: DashboardState, now: number, width: number): Line {
  const t = totals(state, now);
  const line: Line = [seg(' COMPILED ', 'bold'), seg(say.compiledCounts(t.remote, t.local, t.remoteShare))];
  line.push(seg('  FALLBACKS ', 'bold'), seg(String(t.fallbacks), t.fallbacks > 0 ? 'warn' : undefined));
  if (t.fallbacks > 0) {
    const byHost = state.distcc.hosts.filter((h) => h.fallbacks > 0).map((h) => say.hostAndCount(h.host, h.fallbacks));
    const reasons = [...state.distcc.fallbackReasons].sort((a, b) => b.count - a.count).map((r) => say.reasonTimes(r.reason, r.count));
    line.push(seg(say.fallbacksDetail([...byHost, ...reasons])));
  }
  return clipLine(line, width);
}

/** Compiles distcc would not distribute, by cause; undefined when there were none. */
export function localOnlyLine(state: DashboardState, now: number, width: number): Line | undefined {
  const t = totals(state, now);
  if (t.localOnly === 0) return undefined;
  const head = ' LOCAL-ONLY ';
  const count = `${t.localOnly}: `;
  return clipLine([seg(head, 'bold'), seg(count + causeCounts(t.localOnlyByCause, width - head.length - count.length))], width);
}

/** The nodes with a problem and what it is, or undefined when none has one. */
export function problemsLine(state: DashboardState, width: number): Line | undefined {
  const withProblems = state.nodes.flatMap((node) => (node.problem === undefined ? [] : [{ name: node.name, problem: node.problem }]));
  if (withProblems.length === 0) return undefined;
  return clipLine([seg(' PROBLEMS ', 'bold'), seg(say.problemsText(withProblems), 'bad')], width);
}

function shareOf(tally: PackageTally | undefined): number | undefined {
  if (tally === undefined || tally.remote + tally.local === 0) return undefined;
  return (tally.remote / (tally.remote + tally.local)) * 100;
}

function packageText(p: BuildingPackage): string {
  const elapsed = p.elapsedSeconds === undefined ? '' : formatClock(p.elapsedSeconds);
  return p.index !== undefined && p.total !== undefined
    ? say.openPackageText(p.cpv, p.index, p.total, p.phase, elapsed)
    : say.taskText(p.cpv, p.phase ?? '', elapsed);
}

/** Portage's progress as counts: from its status file when it publishes one, else emerge.log. */
function progressSegments(state: DashboardState): Line {
  const snapshot = state.portage;
  if (snapshot) {
    const line: Line = [seg(say.snapshotProgress(snapshot.completed, snapshot.total, snapshot.running))];
    if (snapshot.failed > 0) line.push(seg(say.snapshotFailed(snapshot.failed), 'bad'));
    return line;
  }
  const e = state.emerge;
  if (e.open.length === 0 && e.completed === 0) return [seg(e.failed ? say.emergeStopped() : say.waitingForEmerge(), e.failed ? 'bad' : 'dim')];
  const line: Line = [seg(say.packagesDone(e.completed, e.total))];
  if (e.failed) line.push(seg(say.emergeFailed(), 'bad'));
  return line;
}

/**
 * Portage's side in up to `rows` lines: N of M and the packages building now, with how long,
 * and each one's jobs so far (remote, local, why local) when the state has per-package tallies.
 * One line: everything on it, cut at the width. More: a line per package building.
 */
export function portageLines(state: DashboardState, now: number, width: number, rows: number): Line[] {
  const head: Line = [seg(' PORTAGE ', 'bold'), ...progressSegments(state)];
  const building = buildingPackages(state, now);
  const tallies = state.packageTallies;
  const tallyOf = (cpv: string): PackageTally | undefined => tallies?.find((t) => t.atom === cpv);
  if (rows <= 1 || building.length === 0) {
    const texts = building.map((p) => {
      const share = shareOf(tallyOf(p.cpv));
      return share === undefined ? packageText(p) : `${packageText(p)} ${say.shareShort(share)}`;
    });
    if (texts.length > 0) head.push(seg(say.packagesText(texts)));
    return [clipLine(head, width)];
  }
  const lines: Line[] = [clipLine(head, width)];
  const room = rows - 1;
  const shown = building.length <= room ? building : building.slice(0, Math.max(0, room - 1));
  for (const p of shown) {
    const line: Line = [seg(`   ${packageText(p)}`)];
    const tally = tallyOf(p.cpv);
    if (tally !== undefined) {
      line.push(seg(`  ${say.tallyText(tally.remote, tally.local, shareOf(tally))}`, tally.remote > 0 ? 'good' : 'warn'));
      const causes = [...tally.localCauses].filter((c) => c.count > 0).sort((a, b) => b.count - a.count);
      if (causes.length > 0) line.push(seg(say.localCausesText(causeCounts(causes, Math.max(10, width - lineText(line).length - 4)))));
    }
    lines.push(clipLine(line, width));
  }
  if (shown.length < building.length) lines.push([seg(fit(`   ${say.moreRows(building.length - shown.length)}`, width), 'dim')]);
  return lines;
}

/** Portage's progress on one line (the status file's when Portage publishes one, else emerge.log's). */
export function portageLine(state: DashboardState, now: number, width: number): Line {
  return portageLines(state, now, width, 1)[0] as Line;
}

// Remote share and jobs per second are taken over a few samples, so one second with no job
// finished does not draw a hole.
const CLUSTER_WINDOW = 5;

interface ClusterSeries {
  share: Array<number | undefined>;
  rate: Array<number | undefined>;
  shareNow?: number;
  rateNow?: number;
}

/** Per cluster sample: the remote share (%) and jobs per second over the samples before it. */
function clusterSeries(state: DashboardState): ClusterSeries {
  const points = state.cluster;
  const series: ClusterSeries = { share: [], rate: [] };
  for (let i = 1; i < points.length; i++) {
    const now = points[i] as (typeof points)[number];
    const then = points[Math.max(0, i - CLUSTER_WINDOW)] as (typeof points)[number];
    const remote = now.remote - then.remote;
    const total = remote + now.local - then.local;
    const seconds = (now.at - then.at) / 1000;
    // 0% remote still draws the lowest mark: a column with jobs, none of them remote, is not
    // the empty column of a moment with no jobs at all.
    const share = total > 0 ? (remote / total) * 100 : undefined;
    series.share.push(share === undefined ? 0 : Math.max(share, 0.01));
    series.rate.push(seconds > 0 ? Math.max(0, total) / seconds : 0);
    if (share !== undefined) series.shareNow = share;
    if (seconds > 0) series.rateNow = Math.max(0, total) / seconds;
  }
  return series;
}

const CHART_LABEL = 9;
const CHART_VALUE = 11;

/** The cluster's remote share and jobs per second over time, `height` rows each. */
export function clusterCharts(state: DashboardState, width: number, height: number, glyphs: Glyphs): Line[] {
  if (height <= 0) return [];
  const series = clusterSeries(state);
  const chartWidth = Math.max(1, width - CHART_LABEL - CHART_VALUE - 1);
  const visible = series.rate.slice(-chartWidth).filter((v): v is number => v !== undefined);
  const peak = Math.max(1, ...visible);
  const charts: Array<[string, string[], string]> = [
    [say.remoteChartLabel(), chartRows(series.share, 100, chartWidth, height, glyphs), series.shareNow === undefined ? '' : say.shareNowText(series.shareNow)],
    [say.rateChartLabel(), chartRows(series.rate, peak, chartWidth, height, glyphs), say.rateNowText(series.rateNow ?? 0, peak)],
  ];
  const lines: Line[] = [];
  for (const [label, rows, value] of charts) {
    rows.forEach((row, i) => {
      lines.push(
        clipLine([seg(i === 0 ? ` ${label}`.padEnd(CHART_LABEL) : ' '.repeat(CHART_LABEL), 'bold'), seg(row, 'good'), seg(i === 0 ? ` ${value}` : '')], width),
      );
    });
  }
  return lines;
}

/** "2 compile, 1 send" for a host's jobs. */
export function phaseSummary(phases: Record<string, number>): string {
  return DISTCC_PHASES.filter((p) => (phases[p] ?? 0) > 0)
    .map((p) => say.counted(phases[p] ?? 0, p))
    .join(', ');
}
