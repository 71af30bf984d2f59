// distcc's client log (DISTCC_LOG=<file>). With DISTCC_VERBOSE unset, a log file gets INFO
// and above (src/traceenv.c: dcc_set_trace_from_env), each line formatted by rs_format_msg
// (src/trace.c) as
//
//   distcc[<pid>] [(<function>) ]<severity prefix><message>
//
// where the function is left out for RS_LOG_NONAME messages and the prefix is one of
// "EMERGENCY! ", "ALERT! ", "CRITICAL! ", "ERROR: ", "Warning: " or nothing (notice, info).
// One job, one client process; the INFO lines that tell its story:
//
//   compile from hello.c to hello.o                    arg.c dcc_note_compiled: distributable
//   exec on distcc@node/4: gcc -c hello.c -o hello.o   exec.c dcc_note_execution (host spec)
//   1234 bytes from hello.c compiled on node in 1.0312s, rate 1kB/s     remote.c (host name)
//   compile hello.c on distcc@node/4 completed ok      exec.c dcc_critique_status
//   elapsed compilation time 1.043210s                 compile.c dcc_build_somewhere_timed
//   (dcc_exit) exit: code 0; self: ...                 util.c dcc_exit
//
// A remote failure says "Warning: failed to distribute hello.c to distcc@node/4, running
// locally instead" (compile.c) only when distcc gives up on distributing; with backoff on (the
// default) a failed connection usually just retries, and once every node is backed off the
// job lands on `localhost` with no such line. Both count as fallbacks here.
//
// A job distcc will not distribute says why only for some causes, at INFO ("called for link?
// i give up"); for others (-march=native, -E, -M, conftest.c) only at trace level. Every local
// run logs its whole command line, though ("exec on localhost: gcc -march=native ..."), and
// distcc's own rules applied to it (src/distcc/scan-args.ts) give the cause either way.

import { localCauseLabel, localCauseOfArgs, type LocalCause, type LocalCauseId } from '../../distcc/scan-args.js';
import * as say from '../../messages/dashboard-view.js';
import { sanitizeTerminalText } from '../sanitize.js';

// rs_logger_file formats into 4090 bytes: anything longer is not distcc's.
const MAX_LINE = 4096;
const MAX_FILE = 256;
const MAX_HOST = 256;
const MAX_REASON = 160;
const MAX_FLAG = 160;
// rs_logger_file writes at most sizeof buf - 2 = 4088 bytes before the newline, cutting the
// message there: a line that long may be missing the end of its command line.
const CUT_LINE_BYTES = 4088;
// A 4 KB line holds no more words than this; the cap is for input that is not distcc's.
const MAX_ARGV_WORDS = 2048;

type DistccLogSeverity = 'emergency' | 'alert' | 'critical' | 'error' | 'warning' | 'info';

/** A log line split into its parts. */
interface DistccLogRecord {
  pid: number;
  fn?: string;
  severity: DistccLogSeverity;
  message: string;
}

/** What one line says, before it is related to the lines around it. */
export type DistccLogLine =
  | { kind: 'distributable'; pid: number; file: string; output: string }
  /** distcc's INFO line on why it runs the job locally (cause flags sanitized). */
  | { kind: 'not-distributable'; pid: number; cause: LocalCause }
  /**
   * One run of the compiler. For localhost, `argv` is the command line split back into words
   * as distcc joined them: raw, for distcc's rules, not for a screen. `argvCut` when the line
   * was as long as distcc's log buffer, so its end may be missing.
   */
  | { kind: 'exec'; pid: number; hostSpec: string; host: string; argv?: readonly string[]; argvCut?: boolean }
  | { kind: 'completed'; pid: number; command: string; file: string; hostSpec: string; host: string }
  | { kind: 'failed'; pid: number; command: string; file: string; hostSpec: string; host: string; detail: string }
  | { kind: 'remote-timing'; pid: number; bytes: number; file: string; host: string; seconds: number }
  | { kind: 'elapsed'; pid: number; seconds: number }
  | { kind: 'fallback'; pid: number; file?: string; hostSpec?: string; host?: string }
  | { kind: 'remote-failed'; pid: number; file: string }
  | { kind: 'unsupported'; pid: number; file: string }
  | { kind: 'retries-exhausted'; pid: number; attempts: number }
  | { kind: 'exit'; pid: number; code: number }
  /** An error or warning no other kind explains: the likely reason when the job falls back. */
  | { kind: 'complaint'; pid: number; severity: DistccLogSeverity; message: string };

const HEAD = /^distcc\[([0-9]{1,10})\] (?:\(([A-Za-z_][A-Za-z0-9_]{0,63})\) )?(EMERGENCY! |ALERT! |CRITICAL! |ERROR: |Warning: )?/;

const SEVERITY: Record<string, DistccLogSeverity> = {
  'EMERGENCY! ': 'emergency',
  'ALERT! ': 'alert',
  'CRITICAL! ': 'critical',
  'ERROR: ': 'error',
  'Warning: ': 'warning',
};

/** Splits one line into pid, function, severity and message; undefined if it is not distcc's. */
export function parseDistccLogRecord(line: string): DistccLogRecord | undefined {
  if (line.length > MAX_LINE) return undefined;
  const text = line.endsWith('\r') ? line.slice(0, -1) : line;
  const match = HEAD.exec(text);
  if (!match) return undefined;
  const record: DistccLogRecord = {
    pid: Number(match[1]),
    severity: match[3] === undefined ? 'info' : (SEVERITY[match[3]] ?? 'info'),
    message: text.slice(match[0].length),
  };
  if (match[2] !== undefined) record.fn = match[2];
  return record;
}

/**
 * distcc's host name from a host spec as DISTCC_HOSTS spells it (hosts.c): `[USER]@HOST`,
 * then `/LIMIT`, `:PORT` or `:COMMAND`, `,OPTIONS`; `[v6addr]` in brackets. Messages name
 * hosts both ways; state files and node names use the bare host.
 */
export function hostNameFromSpec(spec: string): string {
  let rest = spec;
  const at = rest.indexOf('@');
  if (at !== -1) rest = rest.slice(at + 1);
  if (rest.startsWith('[')) {
    const close = rest.indexOf(']');
    return close === -1 ? rest.slice(1) : rest.slice(1, close);
  }
  const stop = rest.search(/[/:,]/);
  return stop === -1 ? rest : rest.slice(0, stop);
}

function clean(text: string, max: number): string {
  return sanitizeTerminalText(text, max);
}

function hostFields(spec: string): { hostSpec: string; host: string } {
  const hostSpec = clean(spec, MAX_HOST);
  return { hostSpec, host: hostNameFromSpec(hostSpec) };
}

// dcc_critique_status: "<command> <file> on <host spec> completed ok | failed | failed with
// exit code N | : <signal>". Host specs never contain spaces (DISTCC_HOSTS is split on them).
function critique(pid: number, message: string): DistccLogLine | undefined {
  const space = message.indexOf(' ');
  if (space <= 0) return undefined;
  const command = message.slice(0, space);
  if (command !== 'compile' && command !== 'cpp') return undefined;
  const rest = message.slice(space + 1);
  const on = rest.lastIndexOf(' on ');
  if (on === -1) return undefined;
  const file = clean(rest.slice(0, on), MAX_FILE);
  const tail = rest.slice(on + 4);
  // An ssh spec may hold ':' (the remote distccd path), never ': '.
  const hostEnd = tail.search(/ |: /);
  if (hostEnd <= 0) return undefined;
  const host = hostFields(tail.slice(0, hostEnd));
  const outcome = tail.slice(hostEnd);
  if (outcome === ' completed ok') return { kind: 'completed', pid, command, file, ...host };
  if (outcome === ' failed' || outcome.startsWith(' failed with exit code ') || outcome.startsWith(': ') || outcome.startsWith(' terminated by signal ')) {
    const detail = clean(outcome.replace(/^:? /, ''), MAX_REASON);
    return { kind: 'failed', pid, command, file, ...host, detail };
  }
  return undefined;
}

const REMOTE_TIMING = /^([0-9]{1,20}) bytes from (.*) compiled on (\S+) in ([0-9]{1,12}\.[0-9]{1,9})s, rate \S+$/;
const ELAPSED = /^elapsed compilation time ([0-9]{1,12})\.([0-9]{1,9})s$/;
const EXIT = /^exit: code (-?[0-9]{1,6});/;
const REMOTE_FAILED = /^remote compilation of '(.*)' failed, retrying locally$/;
const RETRIES = /^Couldn't find a host in ([0-9]{1,9}) attempts, retrying locally$/;
const FALLBACK_PREFIX = 'failed to distribute ';
const FALLBACK_SUFFIX = ', running locally instead';
const UNSUPPORTED_SUFFIX = ": can't distribute due to unsupported directives, running locally";

/**
 * The words of a command line as dcc_argv_tostr (src/argutil.c) joined them: one space apart,
 * a word in double quotes when it is empty or holds a space, tab, newline, quote or semicolon,
 * nothing escaped inside. So a quoted word ends at a quote followed by a space or the end (a
 * word that itself holds `" ` reads as two, as it does in distcc's log). Linear in the text.
 */
export function splitLoggedArgv(text: string): { words: string[]; cut: boolean } {
  const words: string[] = [];
  let i = 0;
  while (i < text.length) {
    if (words.length >= MAX_ARGV_WORDS) return { words, cut: true };
    if (text[i] === '"') {
      let close = text.indexOf('"', i + 1);
      while (close !== -1 && close + 1 < text.length && text[close + 1] !== ' ') close = text.indexOf('"', close + 1);
      // Unclosed: the line was cut inside the word.
      if (close === -1) {
        words.push(text.slice(i + 1));
        break;
      }
      words.push(text.slice(i + 1, close));
      i = close + 2;
    } else {
      const space = text.indexOf(' ', i);
      const end = space === -1 ? text.length : space;
      words.push(text.slice(i, end));
      i = end + 1;
    }
  }
  return { words, cut: false };
}

// The INFO (and one ERROR) lines of dcc_scan_args and dcc_output_from_source that say why a
// job stays local; the trace-only causes never reach a log at INFO.
const INFO_CAUSES: ReadonlyMap<string, LocalCauseId> = new Map([
  ['output to stdout?  running locally', 'output-stdout'],
  ['compiler apparently called not for compile', 'not-compile'],
  ['called for link?  i give up', 'several-outputs'],
  ['do we have two inputs?  i give up', 'several-inputs'],
  ['no visible input file', 'no-input'],
  ['compiler will emit/use profile info; must be local', 'profile'],
  ['compiler will emit .rpo files; must be local', 'repo'],
]);
const LANGUAGE_INFO = "gcc's -x handling is complex; running locally for ";
const DEBUG_INFO = /^gcc's debug option (.*) may write extra files; running locally$/;
const BOGUS_SOURCE = /^source file (.*) is bogus$/;

function withFlag(id: LocalCauseId, flag: string | undefined): LocalCause {
  const shown = flag === undefined ? '' : clean(flag, MAX_FLAG);
  return shown === '' ? { id } : { id, flag: shown };
}

function localInfo(message: string): LocalCause | undefined {
  const id = INFO_CAUSES.get(message);
  if (id === 'output-stdout') return { id, flag: '-o -' };
  if (id !== undefined) return { id };
  if (message.startsWith(LANGUAGE_INFO)) return withFlag('language', `-x ${message.slice(LANGUAGE_INFO.length)}`);
  let match = DEBUG_INFO.exec(message);
  if (match) return withFlag('debug-dump', match[1]);
  match = BOGUS_SOURCE.exec(message);
  if (match) return withFlag('bad-source-name', match[1]);
  return undefined;
}

function classify(record: DistccLogRecord, line: string): DistccLogLine | undefined {
  const { pid, message } = record;
  if (message.startsWith('compile from ')) {
    const body = message.slice(13);
    const to = body.lastIndexOf(' to ');
    if (to <= 0) return undefined;
    return { kind: 'distributable', pid, file: clean(body.slice(0, to), MAX_FILE), output: clean(body.slice(to + 4), MAX_FILE) };
  }
  const local = localInfo(message);
  if (local) return { kind: 'not-distributable', pid, cause: local };
  if (message.startsWith('exec on ')) {
    const colon = message.indexOf(': ', 8);
    if (colon <= 8) return undefined;
    const host = hostFields(message.slice(8, colon));
    if (!isLocal(host.host)) return { kind: 'exec', pid, ...host };
    const { words, cut } = splitLoggedArgv(message.slice(colon + 2));
    const exec: DistccLogLine = { kind: 'exec', pid, ...host, argv: words };
    if (cut || Buffer.byteLength(line, 'utf8') >= CUT_LINE_BYTES) exec.argvCut = true;
    return exec;
  }
  if (message.startsWith(FALLBACK_PREFIX) || message.startsWith('failed to distribute,')) {
    if (!message.endsWith(FALLBACK_SUFFIX)) return undefined;
    const body = message.slice(FALLBACK_PREFIX.length, -FALLBACK_SUFFIX.length);
    if (message.startsWith('failed to distribute,')) return { kind: 'fallback', pid };
    const to = body.lastIndexOf(' to ');
    if (to <= 0) return { kind: 'fallback', pid, file: clean(body, MAX_FILE) };
    return { kind: 'fallback', pid, file: clean(body.slice(0, to), MAX_FILE), ...hostFields(body.slice(to + 4)) };
  }
  if (message.endsWith(UNSUPPORTED_SUFFIX)) {
    return { kind: 'unsupported', pid, file: clean(message.slice(0, -UNSUPPORTED_SUFFIX.length), MAX_FILE) };
  }
  let match = REMOTE_FAILED.exec(message);
  if (match) return { kind: 'remote-failed', pid, file: clean(match[1] as string, MAX_FILE) };
  match = RETRIES.exec(message);
  if (match) return { kind: 'retries-exhausted', pid, attempts: Number(match[1]) };
  match = ELAPSED.exec(message);
  if (match) return { kind: 'elapsed', pid, seconds: Number(`${match[1]}.${match[2]}`) };
  match = REMOTE_TIMING.exec(message);
  if (match) {
    const host = hostFields(match[3] as string).host;
    return { kind: 'remote-timing', pid, bytes: Number(match[1]), file: clean(match[2] as string, MAX_FILE), host, seconds: Number(match[4]) };
  }
  match = EXIT.exec(message);
  if (match) return { kind: 'exit', pid, code: Number(match[1]) };
  const judged = critique(pid, message);
  if (judged) return judged;
  if (record.severity !== 'info') return { kind: 'complaint', pid, severity: record.severity, message: clean(message, MAX_REASON) };
  return undefined;
}

/** One DISTCC_LOG line as a typed line; undefined for lines that say nothing useful. */
export function parseDistccLogLine(line: string): DistccLogLine | undefined {
  const record = parseDistccLogRecord(line);
  return record && classify(record, line);
}

// --- relating lines to jobs --------------------------------------------------------------

/** Why a job that distcc would not distribute ran locally; `label` is what a person reads. */
interface LocalJobCause {
  id: LocalCauseId | 'unknown';
  flag?: string;
  label: string;
}

export type DistccLogEvent =
  /** A compile finished (ok or not) on a host; `local` for localhost. */
  | {
      kind: 'job-done';
      pid: number;
      file: string;
      host: string;
      ok: boolean;
      local: boolean;
      /** distcc judged it distributable (so a local run is a missed chance). */
      distributable: boolean;
      /** It ran locally after a remote attempt failed. */
      fallback: boolean;
      /** Remote transfer and compile time, when distcc logged it. */
      seconds?: number;
      /** Local and not distributable: distcc's reason. */
      cause?: LocalJobCause;
    }
  /** A job gave up on `host` and ran locally. */
  | { kind: 'fallback'; pid: number; file?: string; host?: string; reason?: string }
  /** A remote attempt on `host` failed and the job moved on to another host. */
  | { kind: 'attempt-failed'; pid: number; host: string; reason?: string }
  /** A distributable job compiled on localhost by choice (a localhost slot was free). */
  | { kind: 'local-compile'; pid: number; file: string }
  /** The whole client run took this long; `host` is where its compile completed. */
  | { kind: 'elapsed'; pid: number; host?: string; seconds: number };

interface JobContext {
  distributable: boolean;
  file?: string;
  /** Remote host of an attempt that has not completed yet. */
  pendingHost?: string;
  fallback: boolean;
  remoteFailed: boolean;
  attempts?: number;
  complaint?: string;
  seconds?: number;
  lastHost?: string;
  /** What distcc's INFO lines said about running locally. */
  infoCause?: LocalCause;
  /** What distcc's rules say about the command line of the local run. */
  argvCause?: LocalCause;
}

// Jobs are short and end with an exit line; the cap only matters for hostile input.
const MAX_CONTEXTS = 4096;

function isLocal(host: string): boolean {
  return host === 'localhost';
}

// Causes dcc_scan_args decides at a word while scanning: when the end of a cut line is missing,
// one found before the cut is still distcc's verdict; one reached after the last word is not.
const WORD_CAUSES: ReadonlySet<LocalCauseId> = new Set<LocalCauseId>([
  'bad-arguments',
  'march-native',
  'mtune-native',
  'lto',
  'specs',
  'preprocess-only',
  'dependencies-only',
  'assembler-listing',
  'profile',
  'repo',
  'language',
  'debug-dump',
  'several-inputs',
  'several-outputs',
]);

function causeOfLoggedArgv(argv: readonly string[], cut: boolean): LocalCause | undefined {
  // The last word of a cut line may itself be cut short.
  const cause = cut ? localCauseOfArgs(argv.slice(0, -1)) : localCauseOfArgs(argv);
  if (cause === undefined || (cut && !WORD_CAUSES.has(cause.id))) return undefined;
  return withFlag(cause.id, cause.flag);
}

// distcc's own INFO line beats the rules read from its command line when the two differ (a
// distcc whose rules are not 3.4's); when they agree, the command line names the flag.
function localJobCause(ctx: JobContext): LocalJobCause {
  const { infoCause: info, argvCause: argv } = ctx;
  const chosen = info !== undefined && argv !== undefined ? (info.id === argv.id ? argv : info) : (argv ?? info);
  return chosen === undefined ? { id: 'unknown', label: say.causeNotLogged() } : { ...chosen, label: localCauseLabel(chosen) };
}

// File descriptor numbers differ between otherwise equal errors.
function normalizeReason(message: string): string {
  return message.replace(/\bfd ?[0-9]+\b/g, 'fd');
}

/**
 * Follows each client process through its lines and turns them into job events. Keyed by
 * the pid in the line: under Portage's pid-sandbox two concurrent package builds can both
 * have a distcc with the same pid, and their lines would then be mixed up (rare, harmless).
 */
export class DistccLogInterpreter {
  private readonly jobs = new Map<number, JobContext>();

  /** Events for one raw log line. */
  pushLine(line: string): DistccLogEvent[] {
    const parsed = parseDistccLogLine(line);
    return parsed ? this.push(parsed) : [];
  }

  push(line: DistccLogLine): DistccLogEvent[] {
    const pid = line.pid;
    const ctx = this.context(pid);
    switch (line.kind) {
      case 'distributable':
        this.jobs.set(pid, { distributable: true, file: line.file, fallback: false, remoteFailed: false });
        return [];
      case 'not-distributable':
        ctx.distributable = false;
        ctx.infoCause = line.cause;
        return [];
      case 'exec': {
        const events = this.exec(pid, ctx, line.host);
        const cause = line.argv === undefined ? undefined : causeOfLoggedArgv(line.argv, line.argvCut === true);
        if (cause === undefined) delete ctx.argvCause;
        else ctx.argvCause = cause;
        return events;
      }
      case 'remote-timing':
        ctx.seconds = line.seconds;
        return [];
      case 'completed':
      case 'failed':
        return this.finished(pid, ctx, line);
      case 'fallback': {
        const event: DistccLogEvent = { kind: 'fallback', pid };
        const file = line.file ?? ctx.file;
        const host = line.host ?? ctx.pendingHost;
        const reason = this.reason(ctx);
        if (file !== undefined) event.file = file;
        if (host !== undefined) event.host = host;
        if (reason !== undefined) event.reason = reason;
        ctx.fallback = true;
        delete ctx.pendingHost;
        return [event];
      }
      case 'unsupported': {
        const event: DistccLogEvent = { kind: 'fallback', pid, file: line.file, reason: say.unsupportedDirectives() };
        if (ctx.pendingHost !== undefined) event.host = ctx.pendingHost;
        ctx.fallback = true;
        delete ctx.pendingHost;
        return [event];
      }
      case 'remote-failed':
        ctx.remoteFailed = true;
        return [];
      case 'retries-exhausted':
        ctx.attempts = line.attempts;
        return [];
      case 'elapsed': {
        const event: DistccLogEvent = { kind: 'elapsed', pid, seconds: line.seconds };
        if (ctx.lastHost !== undefined) event.host = ctx.lastHost;
        return [event];
      }
      case 'exit':
        this.jobs.delete(pid);
        return [];
      case 'complaint':
        ctx.complaint ??= normalizeReason(line.message);
        return [];
    }
  }

  private context(pid: number): JobContext {
    const existing = this.jobs.get(pid);
    if (existing) return existing;
    if (this.jobs.size >= MAX_CONTEXTS) {
      const oldest = this.jobs.keys().next();
      if (!oldest.done) this.jobs.delete(oldest.value);
    }
    const fresh: JobContext = { distributable: false, fallback: false, remoteFailed: false };
    this.jobs.set(pid, fresh);
    return fresh;
  }

  private reason(ctx: JobContext): string | undefined {
    if (ctx.remoteFailed) return say.remoteCompileFailed();
    if (ctx.complaint !== undefined) return ctx.complaint;
    if (ctx.attempts !== undefined) return say.noHostAfter(ctx.attempts);
    return undefined;
  }

  // A new attempt while an earlier remote one never completed: that one failed.
  private exec(pid: number, ctx: JobContext, host: string): DistccLogEvent[] {
    const events: DistccLogEvent[] = [];
    const previous = ctx.pendingHost;
    if (previous !== undefined) {
      const reason = this.reason(ctx);
      if (isLocal(host) && !ctx.fallback) {
        const event: DistccLogEvent = { kind: 'fallback', pid, host: previous };
        if (ctx.file !== undefined) event.file = ctx.file;
        if (reason !== undefined) event.reason = reason;
        events.push(event);
        ctx.fallback = true;
      } else if (!isLocal(host)) {
        const event: DistccLogEvent = { kind: 'attempt-failed', pid, host: previous };
        if (reason !== undefined) event.reason = reason;
        events.push(event);
      }
      delete ctx.pendingHost;
    }
    delete ctx.complaint;
    delete ctx.seconds;
    if (!isLocal(host)) ctx.pendingHost = host;
    return events;
  }

  private finished(pid: number, ctx: JobContext, line: Extract<DistccLogLine, { kind: 'completed' | 'failed' }>): DistccLogEvent[] {
    // cpp's own critique ("cpp x.c on localhost completed ok") is not a job.
    if (line.command !== 'compile') return [];
    const local = isLocal(line.host);
    const ok = line.kind === 'completed';
    const event: DistccLogEvent = {
      kind: 'job-done',
      pid,
      file: line.file,
      host: line.host,
      ok,
      local,
      distributable: ctx.distributable,
      fallback: local && ctx.fallback,
    };
    if (ctx.seconds !== undefined && !local) event.seconds = ctx.seconds;
    if (local && !ctx.distributable) event.cause = localJobCause(ctx);
    delete ctx.infoCause;
    delete ctx.argvCause;
    ctx.lastHost = line.host;
    delete ctx.pendingHost;
    delete ctx.seconds;
    const events: DistccLogEvent[] = [event];
    if (local && ctx.distributable && !ctx.fallback) events.push({ kind: 'local-compile', pid, file: line.file });
    return events;
  }
}

// --- counting ---------------------------------------------------------------------------

interface HostJobStats {
  host: string;
  /** Compiles that completed ok on the host. */
  jobs: number;
  /** Compiles that ran there and failed (the compiler's exit status, not the network). */
  failed: number;
  /** Attempts that failed on the way (connection, protocol) and moved elsewhere. */
  failedAttempts: number;
  /** Jobs that gave up on this host and compiled locally. */
  fallbacks: number;
  /** Sum of remote job times (connect to results received), where distcc logged them. */
  jobSeconds: number;
  /** Sum of whole client runs that completed here, waiting for a slot included. */
  elapsedSeconds: number;
}

export interface ReasonCount {
  reason: string;
  count: number;
}

export interface CauseCount {
  /** The cause's label. */
  cause: string;
  count: number;
}

export interface DistccLogStats {
  hosts: readonly HostJobStats[];
  /** Distributable jobs compiled locally by choice. */
  localByChoice: number;
  /** Distributable jobs compiled locally after a remote failure. */
  localAfterFallback: number;
  /** Local-only jobs: local runs distcc could not distribute (links, -E, ...). */
  localOnly: number;
  /** The same runs by cause, in order of first appearance; the counts sum to localOnly. */
  localOnlyByCause: readonly CauseCount[];
  fallbacks: number;
  fallbackReasons: readonly ReasonCount[];
}

export function emptyDistccLogStats(): DistccLogStats {
  return { hosts: [], localByChoice: 0, localAfterFallback: 0, localOnly: 0, localOnlyByCause: [], fallbacks: 0, fallbackReasons: [] };
}

// Bounds for hostile logs: real runs have a handful of hosts and reasons.
const MAX_HOSTS = 256;
const MAX_REASONS = 64;

function updateHost(hosts: readonly HostJobStats[], host: string, change: (h: HostJobStats) => HostJobStats): readonly HostJobStats[] {
  const index = hosts.findIndex((h) => h.host === host);
  if (index !== -1) return hosts.map((h, i) => (i === index ? change(h) : h));
  if (hosts.length >= MAX_HOSTS) return hosts;
  return [...hosts, change({ host, jobs: 0, failed: 0, failedAttempts: 0, fallbacks: 0, jobSeconds: 0, elapsedSeconds: 0 })];
}

// One more of `key`; once the list is full, new keys count under `other`.
function countKey<T extends { count: number }>(
  list: readonly T[],
  keyOf: (t: T) => string,
  key: string,
  other: string,
  make: (key: string, count: number) => T,
): readonly T[] {
  const index = list.findIndex((t) => keyOf(t) === key);
  if (index !== -1) return list.map((t, i) => (i === index ? make(key, t.count + 1) : t));
  if (list.length >= MAX_REASONS - 1 && key !== other) return countKey(list, keyOf, other, other, make);
  return [...list, make(key, 1)];
}

function countReason(reasons: readonly ReasonCount[], reason: string): readonly ReasonCount[] {
  return countKey(
    reasons,
    (r) => r.reason,
    reason,
    say.otherReasons(),
    (key, count) => ({ reason: key, count }),
  );
}

function countCause(causes: readonly CauseCount[], cause: string): readonly CauseCount[] {
  return countKey(
    causes,
    (c) => c.cause,
    cause,
    say.otherCauses(),
    (key, count) => ({ cause: key, count }),
  );
}

/** The stats after one event. Pure. */
function applyDistccLogEvent(stats: DistccLogStats, event: DistccLogEvent): DistccLogStats {
  switch (event.kind) {
    case 'job-done': {
      const seconds = event.seconds ?? 0;
      const hosts = updateHost(stats.hosts, event.host, (h) =>
        event.ok ? { ...h, jobs: h.jobs + 1, jobSeconds: h.jobSeconds + seconds } : { ...h, failed: h.failed + 1 },
      );
      if (!event.local || !event.ok) return { ...stats, hosts };
      if (!event.distributable) {
        return {
          ...stats,
          hosts,
          localOnly: stats.localOnly + 1,
          localOnlyByCause: countCause(stats.localOnlyByCause, event.cause?.label ?? say.causeNotLogged()),
        };
      }
      if (event.fallback) return { ...stats, hosts, localAfterFallback: stats.localAfterFallback + 1 };
      return { ...stats, hosts, localByChoice: stats.localByChoice + 1 };
    }
    case 'fallback': {
      const hosts = event.host === undefined ? stats.hosts : updateHost(stats.hosts, event.host, (h) => ({ ...h, fallbacks: h.fallbacks + 1 }));
      return { ...stats, hosts, fallbacks: stats.fallbacks + 1, fallbackReasons: countReason(stats.fallbackReasons, event.reason ?? say.reasonNotLogged()) };
    }
    case 'attempt-failed':
      return { ...stats, hosts: updateHost(stats.hosts, event.host, (h) => ({ ...h, failedAttempts: h.failedAttempts + 1 })) };
    case 'elapsed':
      if (event.host === undefined) return stats;
      return { ...stats, hosts: updateHost(stats.hosts, event.host, (h) => ({ ...h, elapsedSeconds: h.elapsedSeconds + event.seconds })) };
    case 'local-compile':
      return stats;
  }
}

export function applyDistccLogEvents(stats: DistccLogStats, events: Iterable<DistccLogEvent>): DistccLogStats {
  let next = stats;
  for (const event of events) next = applyDistccLogEvent(next, event);
  return next;
}
