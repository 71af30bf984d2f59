// `demerge report` as text: each run with its packages, or one package across runs, with the
// remote share as a bar. Bars are Unicode block characters (eighths of a cell) in a UTF-8
// locale, and '#' otherwise (LANG=C, a serial console). Nothing here is wider than 80 columns.

import { formatDuration } from '../dashboard/summary.js';
import { sanitizeTerminalText } from '../dashboard/sanitize.js';
import { remoteShare, type LocalCauseCounts, type PackageRecord, type RunRecord } from '../history/record.js';
import * as say from '../messages/report.js';

const WIDTH = 80;
const BAR = 16;
const ATOM_W = 29;
const EIGHTHS = ['', '▏', '▎', '▍', '▌', '▋', '▊', '▉'];

/** Whether the locale's character set is UTF-8 (LC_ALL, then LC_CTYPE, then LANG, as setlocale reads them). */
export function utf8Locale(env: Record<string, string | undefined>): boolean {
  const locale = [env.LC_ALL, env.LC_CTYPE, env.LANG].find((v) => v !== undefined && v !== '') ?? '';
  return /utf-?8/i.test(locale);
}

/** A bar of `percent` in BAR cells: eighths in Unicode, whole '#' cells in ASCII. */
export function bar(percent: number | undefined, unicode: boolean): string {
  if (percent === undefined || !Number.isFinite(percent)) return '';
  const clamped = Math.max(0, Math.min(100, percent));
  if (!unicode) return '#'.repeat(Math.round((clamped / 100) * BAR));
  const eighths = Math.round((clamped / 100) * BAR * 8);
  return '█'.repeat(Math.floor(eighths / 8)) + (EIGHTHS[eighths % 8] ?? '');
}

const text = (value: string, width: number): string => sanitizeTerminalText(value, width);
const left = (value: string, width: number): string => text(value, width).padEnd(width);
const right = (value: string | number, width: number): string => text(String(value), width).padStart(width);

function shareText(share: number | undefined): string {
  return share === undefined ? '-' : `${share.toFixed(share === 100 ? 0 : 1)}%`;
}

function time(seconds: number | null): string {
  return seconds === null ? say.notCompleted() : formatDuration(seconds);
}

/** "2026-01-02 03:04Z" */
function when(iso: string): string {
  return `${iso.slice(0, 10)} ${iso.slice(11, 16)}Z`;
}

function figures(remote: number, local: number, causes: LocalCauseCounts, seconds: number | null, unicode: boolean): string {
  const share = remoteShare({ remote_jobs: remote, local_causes: causes });
  return `${right(remote, 7)} ${right(local, 6)} ${right(shareText(share), 6)} ${right(time(seconds), 8)}  ${bar(share, unicode)}`;
}

function packageRow(p: PackageRecord, unicode: boolean): string {
  if (p.remote_jobs + p.local_jobs === 0) return `  ${left(p.atom, ATOM_W)} ${left(say.noCompilerJobs(), 21)} ${right(time(p.seconds), 8)}`;
  return `  ${left(p.atom, ATOM_W)} ${figures(p.remote_jobs, p.local_jobs, p.local_causes, p.seconds, unicode)}`;
}

function heads(first: string, width: number): string {
  const h = say.reportHeads;
  return `  ${left(first, width)} ${right(h.remote, 7)} ${right(h.local, 6)} ${right(h.share, 6)} ${right(h.time, 8)}  ${h.chart}`;
}

function wallSeconds(run: RunRecord): number {
  return Math.max(0, (Date.parse(run.ended) - Date.parse(run.started)) / 1000);
}

// A terminal in the C locale shows other bytes as garbage: '?' instead (the ellipsis too).
function finish(lines: readonly string[], unicode: boolean): string {
  const out = `${lines.map((l) => l.trimEnd()).join('\n')}\n`;
  return unicode ? out : out.replace(/…/g, '~').replace(/[^\x00-\x7f]/gu, '?');
}

/** The version part of category/name-version[-rN]. */
function versionOf(atom: string): string {
  return /-([0-9][^-/]*(-r[0-9]+)?)$/.exec(atom)?.[1] ?? atom;
}

/** The runs, oldest first, each with its packages. */
export function renderRuns(runs: readonly RunRecord[], unicode: boolean): string {
  const lines: string[] = [];
  for (const run of runs) {
    if (lines.length > 0) lines.push('');
    lines.push(
      text(
        say.runHeading(run.id, when(run.started), formatDuration(wallSeconds(run)), say.exitWord(run.exit, run.signal), run.nodes.length, run.args.join(' ')),
        WIDTH,
      ),
    );
    if (run.packages.length === 0 && run.unattributed === undefined) {
      lines.push(say.noPackagesInRun());
      continue;
    }
    lines.push(heads(say.reportHeads.pkg, ATOM_W));
    for (const p of run.packages) lines.push(packageRow(p, unicode));
    const loose = run.unattributed;
    if (loose !== undefined)
      lines.push(
        `  ${left(say.unattributedRow(), ATOM_W)} ${figures(loose.remote_jobs, loose.local_jobs, loose.local_causes, null, unicode).replace(say.notCompleted(), '')}`,
      );
  }
  return finish(lines, unicode);
}

/** One package across runs, oldest first: its remote share and build time over time. */
export function renderPackage(atom: string, rows: ReadonlyArray<{ run: RunRecord; pkg: PackageRecord }>, unicode: boolean): string {
  const lines = [
    text(say.packageHeading(atom, new Set(rows.map((r) => r.run.id)).size), WIDTH),
    heads(`${left(say.reportHeads.started, 17)} ${say.reportHeads.version}`, ATOM_W),
  ];
  for (const { run, pkg } of rows) {
    const name = `${left(when(run.started), 17)} ${versionOf(pkg.atom)}`;
    if (pkg.remote_jobs + pkg.local_jobs === 0) lines.push(`  ${left(name, ATOM_W)} ${left(say.noCompilerJobs(), 21)} ${right(time(pkg.seconds), 8)}`);
    else lines.push(`  ${left(name, ATOM_W)} ${figures(pkg.remote_jobs, pkg.local_jobs, pkg.local_causes, pkg.seconds, unicode)}`);
  }
  return finish(lines, unicode);
}
