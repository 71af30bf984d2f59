// emerge.log, as Portage writes it (lib/_emerge/emergelog.py): `f"{int(time.time())}: {msg}"`,
// and the messages Portage passes start with a space, hence the two. The messages read here
// come from lib/_emerge/{actions,MergeListItem,EbuildBuild,Binpkg,EbuildMerge,Scheduler,
// post_emerge,main}.py and lib/portage/dbapi/vartree.py. Portage logs no line when a package
// fails: a failure shows as a package that was started and never completed.
//
// The log is shared by every emerge on the machine (and kept forever): the tail starts at
// the end of the file, and a new session line starts the progress over.

import { sanitizeTerminalText } from '../sanitize.js';

const MAX_LINE = 64 * 1024;
const MAX_CPV = 256;
const MAX_TEXT = 512;
// Open packages are bounded by --jobs; a hostile log must not grow the list without end.
const MAX_OPEN = 256;
const MAX_RECENT = 50;

export type EmergeLogEvent =
  | { kind: 'session-start'; time: number; args: string }
  | { kind: 'package-start'; time: number; index: number; total: number; cpv: string; root: string }
  | { kind: 'package-phase'; time: number; index: number; total: number; phase: string; cpv: string }
  | { kind: 'package-complete'; time: number; index: number; total: number; cpv: string; root: string }
  | { kind: 'resource-usage'; time: number; cpv: string; text: string }
  | { kind: 'unmerge'; time: number; cpv: string; result: 'start' | 'success' | 'failure' }
  | { kind: 'resume'; time: number }
  | { kind: 'finished'; time: number }
  | { kind: 'exit'; time: number; code: number }
  | { kind: 'terminating'; time: number };

const LINE = /^([0-9]{1,12}): (.*)$/s;
const COUNT = /^\(([0-9]{1,7}) of ([0-9]{1,7})\) /;

function clean(text: string, max: number = MAX_TEXT): string {
  return sanitizeTerminalText(text, max);
}

// "cat/pkg-1.0::/path/to.ebuild" or just "cat/pkg-1.0" (Updating world file).
function cpvOf(inParens: string): string {
  const sep = inParens.indexOf('::');
  return clean(sep === -1 ? inParens : inParens.slice(0, sep), MAX_CPV);
}

interface Counted {
  index: number;
  total: number;
  rest: string;
}

function counted(text: string): Counted | undefined {
  const match = COUNT.exec(text);
  if (!match) return undefined;
  const index = Number(match[1]);
  const total = Number(match[2]);
  if (index < 1 || total < 1) return undefined;
  return { index, total, rest: text.slice(match[0].length) };
}

// "<cpv> to <root>": cpvs have no spaces, roots may.
function cpvAndRoot(text: string): { cpv: string; root: string } | undefined {
  const at = text.indexOf(' to ');
  if (at <= 0) return undefined;
  return { cpv: clean(text.slice(0, at), MAX_CPV), root: clean(text.slice(at + 4)) };
}

// "<Phase words> (<cpv>[::<path>])"
function phaseLine(time: number, text: string): EmergeLogEvent | undefined {
  const c = counted(text);
  if (!c || !c.rest.endsWith(')')) return undefined;
  const open = c.rest.indexOf(' (');
  if (open <= 0) return undefined;
  const phase = clean(c.rest.slice(0, open), 64);
  const cpv = cpvOf(c.rest.slice(open + 2, -1));
  return { kind: 'package-phase', time, index: c.index, total: c.total, phase, cpv };
}

function message(time: number, text: string): EmergeLogEvent | undefined {
  if (text.startsWith('*** ')) {
    const rest = text.slice(4);
    if (rest === 'emerge' || rest.startsWith('emerge ')) return { kind: 'session-start', time, args: clean(rest.slice(6).trim()) };
    if (rest === 'exiting successfully.') return { kind: 'exit', time, code: 0 };
    const failed = /^exiting unsuccessfully with status '(-?[0-9]{1,6})'\.$/.exec(rest);
    if (failed) return { kind: 'exit', time, code: Number(failed[1]) };
    if (rest === 'terminating.') return { kind: 'terminating', time };
    if (rest === 'Resuming merge...') return { kind: 'resume', time };
    if (rest === 'Finished. Cleaning up...') return { kind: 'finished', time };
    return undefined;
  }
  if (text.startsWith('>>> emerge ')) {
    const c = counted(text.slice(11));
    const target = c && cpvAndRoot(c.rest);
    return c && target ? { kind: 'package-start', time, index: c.index, total: c.total, ...target } : undefined;
  }
  if (text.startsWith('::: completed emerge ')) {
    const c = counted(text.slice(21));
    const target = c && cpvAndRoot(c.rest);
    return c && target ? { kind: 'package-complete', time, index: c.index, total: c.total, ...target } : undefined;
  }
  if (text.startsWith('=== Resource usage for ')) {
    const rest = text.slice(23);
    const open = rest.indexOf(' [');
    if (open <= 0 || !rest.endsWith(']')) return undefined;
    return { kind: 'resource-usage', time, cpv: clean(rest.slice(0, open), MAX_CPV), text: clean(rest.slice(open + 2, -1)) };
  }
  if (text.startsWith('=== Unmerging... (') && text.endsWith(')')) {
    return { kind: 'unmerge', time, cpv: clean(text.slice(18, -1), MAX_CPV), result: 'start' };
  }
  if (text.startsWith('>>> unmerge success: ')) return { kind: 'unmerge', time, cpv: clean(text.slice(21), MAX_CPV), result: 'success' };
  if (text.startsWith('!!! unmerge FAILURE: ')) return { kind: 'unmerge', time, cpv: clean(text.slice(21), MAX_CPV), result: 'failure' };
  // "=== (N of M) Compiling/Merging (...)" and "--- (N of M) Fetching Binary (...)".
  if (text.startsWith('=== (') || text.startsWith('--- (')) return phaseLine(time, text.slice(4));
  return undefined;
}

/** One emerge.log line (without its newline) as an event; undefined for anything else. */
export function parseEmergeLogLine(line: string): EmergeLogEvent | undefined {
  if (line.length > MAX_LINE) return undefined;
  const match = LINE.exec(line.endsWith('\r') ? line.slice(0, -1) : line);
  if (!match) return undefined;
  const time = Number(match[1]);
  return message(time, (match[2] as string).replace(/^ +/, ''));
}

// --- progress -------------------------------------------------------------------------

interface OpenPackage {
  cpv: string;
  index: number;
  total: number;
  startedAt: number;
  phase?: string;
  phaseSince?: number;
}

interface FinishedPackage {
  cpv: string;
  index: number;
  startedAt?: number;
  finishedAt: number;
}

export interface EmergeProgress {
  sessionStartedAt?: number;
  args?: string;
  /** M in "N of M" (the last one seen: --keep-going can shrink it). */
  total?: number;
  /** The highest N started. */
  lastIndex: number;
  /** Packages started and not completed: several at once with --jobs. */
  open: readonly OpenPackage[];
  completed: number;
  /** The most recent completions, newest last. */
  recent: readonly FinishedPackage[];
  /** emerge's exit status, once logged. */
  exitCode?: number;
  /** "*** terminating." seen: emerge is gone, whether or not it logged a status. */
  ended: boolean;
  failed: boolean;
  /** Packages open when emerge exited unsuccessfully or was terminated: the likely culprits. */
  failedPackages: readonly string[];
}

export function emptyEmergeProgress(): EmergeProgress {
  return { lastIndex: 0, open: [], completed: 0, recent: [], ended: false, failed: false, failedPackages: [] };
}

function withoutCpv(open: readonly OpenPackage[], cpv: string): OpenPackage[] {
  return open.filter((p) => p.cpv !== cpv);
}

// "*** terminating." is logged on every way out (main.py's finally), after the exit status
// when there is one; alone, it means a signal (SIGTERM exits without post_emerge).
function closing(progress: EmergeProgress, code: number | undefined): EmergeProgress {
  const failed = code === undefined ? progress.exitCode === undefined || progress.failed : code !== 0;
  const culprits = failed ? progress.open.map((p) => p.cpv) : [];
  const next: EmergeProgress = {
    ...progress,
    open: failed ? [] : progress.open,
    failed,
    failedPackages: culprits.length > 0 ? culprits : progress.failedPackages,
  };
  return code === undefined ? { ...next, ended: true } : { ...next, exitCode: code };
}

/** The progress after one event. Pure: returns a new object, never changes its input. */
export function applyEmergeLogEvent(progress: EmergeProgress, event: EmergeLogEvent): EmergeProgress {
  switch (event.kind) {
    case 'session-start':
      return { ...emptyEmergeProgress(), sessionStartedAt: event.time, args: event.args };
    case 'package-start': {
      const open = withoutCpv(progress.open, event.cpv);
      const entry: OpenPackage = { cpv: event.cpv, index: event.index, total: event.total, startedAt: event.time };
      return {
        ...progress,
        total: event.total,
        lastIndex: Math.max(progress.lastIndex, event.index),
        open: [...open.slice(Math.max(0, open.length - MAX_OPEN + 1)), entry],
      };
    }
    case 'package-phase': {
      const open = progress.open.map((p) => (p.cpv === event.cpv ? { ...p, phase: event.phase, phaseSince: event.time } : p));
      return { ...progress, total: event.total, open };
    }
    case 'package-complete': {
      const started = progress.open.find((p) => p.cpv === event.cpv);
      const done: FinishedPackage = { cpv: event.cpv, index: event.index, finishedAt: event.time };
      if (started) done.startedAt = started.startedAt;
      return {
        ...progress,
        total: event.total,
        lastIndex: Math.max(progress.lastIndex, event.index),
        open: withoutCpv(progress.open, event.cpv),
        completed: progress.completed + 1,
        recent: [...progress.recent.slice(Math.max(0, progress.recent.length - MAX_RECENT + 1)), done],
      };
    }
    case 'exit':
      return closing(progress, event.code);
    case 'terminating':
      return closing(progress, undefined);
    case 'resource-usage':
    case 'unmerge':
    case 'resume':
    case 'finished':
      return progress;
  }
}

/** Applies events in order. */
export function applyEmergeLogEvents(progress: EmergeProgress, events: Iterable<EmergeLogEvent>): EmergeProgress {
  let next = progress;
  for (const event of events) next = applyEmergeLogEvent(next, event);
  return next;
}
