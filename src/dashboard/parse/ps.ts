// How the dashboard reads a node's answer to the sampling command (src/system/node-sample.ts,
// which says what is asked and why). The node is not trusted: every string is sanitized and
// capped, every number checked.

import { SAMPLE_MARK, SAMPLE_SECTION } from '../../system/node-sample.js';
import { sanitizeTerminalText } from '../sanitize.js';

const PS_HEADER = new RegExp(`^${SAMPLE_SECTION.ps}(?: ([0-9]{1,10}))?$`);
const SECTIONS: ReadonlySet<string> = new Set([SAMPLE_SECTION.loadavg, SAMPLE_SECTION.nproc, SAMPLE_SECTION.stat, SAMPLE_SECTION.tmp]);

// Caps: a node that floods us gets truncated, not believed.
const MAX_STDOUT = 2 * 1024 * 1024;
const MAX_PS_LINE = 16 * 1024;
const MAX_PROCESSES = 4096;
const MAX_COMM = 64;
const MAX_ARGS = 1024;
const MAX_SOURCE = 256;

export interface LoadAverage {
  one: number;
  five: number;
  fifteen: number;
  running?: number;
  total?: number;
}

type ProcessRole = 'compiler' | 'distccd' | 'other';

export interface NodeProcess {
  pid: number;
  ppid: number;
  /** ps's STAT, e.g. "R+", "S", "Z" (a zombie: distccd's 1 s select has not reaped it yet). */
  stat: string;
  elapsedSeconds: number;
  cpuPercent: number;
  rssKiB: number;
  comm: string;
  args: string;
  role: ProcessRole;
  /** For compilers: the program, e.g. "cc1plus", "x86_64-pc-linux-gnu-gcc". */
  compiler?: string;
  /**
   * The input file the compiler's arguments name (basename). Under distccd that is its
   * temporary `distccd_XXXXXX.i`: the node cannot know the real source; the client can.
   */
  sourceFile?: string;
}

/** CPU use of one process from /proc/<pid>/stat. */
export interface ProcessCpu {
  pid: number;
  ppid: number;
  /** Start time in ticks since boot: with the pid, tells a reused pid apart. */
  start: number;
  /** utime + stime + cutime + cstime: its own CPU and that of the children it reaped. */
  ticks: number;
}

/** Linux reports /proc times in USER_HZ, 100 on every architecture Gentoo supports but ia64. */
export const TICKS_PER_SECOND = 100;

export interface NodeSample {
  load?: LoadAverage;
  cpus?: number;
  /** Free KiB in the distcc user's TMPDIR on the node. */
  tmpFreeKiB?: number;
  processes: NodeProcess[];
  /** The user's processes' CPU times, when the node's /proc could be read. */
  cpu?: ProcessCpu[];
  /** pid of the sampling shell on the node, whose own work is not the build's. */
  samplerPid?: number;
  /** All sections arrived (the end marker was seen). */
  complete: boolean;
}

const LOADAVG = /^([0-9]{1,6}\.[0-9]{1,3}) ([0-9]{1,6}\.[0-9]{1,3}) ([0-9]{1,6}\.[0-9]{1,3})(?: ([0-9]{1,9})\/([0-9]{1,9}))?(?: |$)/;

/** /proc/loadavg: "0.52 0.58 0.59 2/1234 56789". */
export function parseLoadavg(text: string): LoadAverage | undefined {
  const match = LOADAVG.exec(text.trim().slice(0, 256));
  if (!match) return undefined;
  const load: LoadAverage = { one: Number(match[1]), five: Number(match[2]), fifteen: Number(match[3]) };
  if (match[4] !== undefined && match[5] !== undefined) {
    load.running = Number(match[4]);
    load.total = Number(match[5]);
  }
  return load;
}

// POSIX `df -Pk` data line: "FS 1024-blocks Used Available Capacity% Mountpoint"; names may
// hold spaces, so the numbers are found by their shape.
const DF_LINE = /(?:^|\s)([0-9]{1,15})\s+([0-9]{1,15})\s+([0-9]{1,15})\s+([0-9]{1,3})%\s+\//;

/** Free KiB from `df -Pk DIR` (header and data line), or undefined. */
export function parseDfFree(text: string): number | undefined {
  for (const line of text.slice(0, 4096).split('\n').reverse()) {
    const match = DF_LINE.exec(line);
    if (match) return Number(match[3]);
  }
  return undefined;
}

/** `nproc` output: one positive integer. */
export function parseNproc(text: string): number | undefined {
  const trimmed = text.trim();
  if (!/^[0-9]{1,6}$/.test(trimmed)) return undefined;
  const n = Number(trimmed);
  return n >= 1 ? n : undefined;
}

// Compiler drivers and the programs they run, bare or target-prefixed and versioned:
// gcc, g++-13, clang-17, x86_64-pc-linux-gnu-gcc, aarch64-unknown-linux-gnu-g++-14.
const BACKENDS = new Set(['cc1', 'cc1plus', 'cc1obj', 'cc1objplus', 'lto1', 'f951', 'd21', 'gnat1', 'collect2']);
const DRIVER = /^(?:[A-Za-z0-9_.]{1,32}-){0,4}(?:gcc|g\+\+|cc|c\+\+|clang|clang\+\+|as|cpp)(?:-[0-9]{1,3}(?:\.[0-9]{1,3}){0,2})?$/;

function compilerName(name: string): string | undefined {
  if (name.length === 0 || name.length > 80) return undefined;
  if (BACKENDS.has(name) || DRIVER.test(name)) return name;
  return undefined;
}

function basename(path: string): string {
  const slash = path.lastIndexOf('/');
  return slash === -1 ? path : path.slice(slash + 1);
}

// Options whose value is the next word, so that value is not mistaken for the input.
const TAKES_VALUE = new Set([
  '-o',
  '-dumpbase',
  '-dumpbase-ext',
  '-dumpdir',
  '-auxbase',
  '-auxbase-strip',
  '-MF',
  '-MT',
  '-MQ',
  '-MD',
  '-MMD',
  '-include',
  '-imacros',
  '-iprefix',
  '-iwithprefix',
  '-isystem',
  '-idirafter',
  '-iquote',
  '-isysroot',
  '-I',
  '-D',
  '-U',
  '-x',
  '-main-file-name',
  '-aux-info',
  '--param',
  '-Xclang',
  '-Xassembler',
  '-Xlinker',
  '-arch',
  '-target',
]);
// No ".d": cc1's `-MD x.d` dependency file would pass for D source.
const SOURCE = /\.(?:c|cc|cp|cxx|cpp|CPP|c\+\+|C|i|ii|m|mi|mm|mii|M|s|S|sx|f|for|ftn|f90|f95|f03|f08|F|F90|adb|ads|go)$/;

// ps shows argv joined by spaces, so a name with a space cannot be told apart; fine here.
function sourceFileOf(words: readonly string[]): string | undefined {
  for (let i = 1; i < words.length; i++) {
    const word = words[i] as string;
    if (TAKES_VALUE.has(word)) {
      i++;
      continue;
    }
    if (word.startsWith('-')) continue;
    if (SOURCE.test(word)) return sanitizeTerminalText(basename(word), MAX_SOURCE);
  }
  return undefined;
}

function firstWord(text: string): string {
  const space = text.indexOf(' ');
  return space === -1 ? text : text.slice(0, space);
}

// comm is at most 15 bytes (TASK_COMM_LEN) and may hold spaces; ps pads it to 15 and adds a
// separator, so args start at 16, or earlier when a number before overflowed its column
// (ps then shortens the padding to realign: seen with a 6-digit rss). The split is where a
// word starts within the first 16 characters; the one whose argv[0] matches comm wins,
// else the last (comm padded in full).
function splitCommArgs(rest: string): { comm: string; args: string } {
  const starts: number[] = [];
  for (let p = 1; p <= 16 && p < rest.length; p++) {
    if (rest[p - 1] === ' ' && rest[p] !== ' ' && rest.slice(0, p).trimEnd().length <= 15) starts.push(p);
  }
  for (const p of starts) {
    const comm = rest.slice(0, p).trimEnd();
    const argv0 = basename(firstWord(rest.slice(p))).replace(/^\[/, '');
    if (argv0.startsWith(comm)) return { comm, args: rest.slice(p) };
  }
  const last = starts[starts.length - 1];
  if (last !== undefined) return { comm: rest.slice(0, last).trimEnd(), args: rest.slice(last) };
  const space = rest.indexOf(' ');
  return space === -1 ? { comm: rest, args: '' } : { comm: rest.slice(0, space), args: rest.slice(space + 1).trimStart() };
}

const PS_LINE = /^ *([0-9]{1,10}) +([0-9]{1,10}) +([A-Za-z<>+-]{1,8}) +([0-9]{1,12}) +([0-9]{1,6}(?:\.[0-9]{1,3})?) +([0-9]{1,14}) (.*)$/s;

/** One line of PS_FORMAT output; undefined when it does not have that shape. */
export function parsePsLine(line: string): NodeProcess | undefined {
  const match = PS_LINE.exec(line.length > MAX_PS_LINE ? line.slice(0, MAX_PS_LINE) : line);
  if (!match) return undefined;
  const pid = Number(match[1]);
  if (pid < 1) return undefined;
  const { comm: rawComm, args: rawArgs } = splitCommArgs(match[7] as string);
  const comm = sanitizeTerminalText(rawComm, MAX_COMM);
  const args = sanitizeTerminalText(rawArgs, MAX_ARGS);
  const words = rawArgs.split(/ +/).filter((w) => w.length > 0);
  const argv0 = basename(words[0] ?? '');
  const process: NodeProcess = {
    pid,
    ppid: Number(match[2]),
    stat: match[3] as string,
    elapsedSeconds: Number(match[4]),
    cpuPercent: Number(match[5]),
    rssKiB: Number(match[6]),
    comm,
    args,
    role: 'other',
  };
  if (comm === 'distccd' || argv0 === 'distccd') {
    process.role = 'distccd';
    return process;
  }
  // comm is cut at 15 bytes ("x86_64-pc-linux"), so the argv[0] name is tried too.
  const compiler = compilerName(comm) ?? compilerName(sanitizeTerminalText(argv0, MAX_COMM));
  if (compiler !== undefined) {
    process.role = 'compiler';
    process.compiler = compiler;
    const source = sourceFileOf(words);
    if (source !== undefined && source.length > 0) process.sourceFile = source;
  }
  return process;
}

/**
 * ps output, one process a line; lines of any other shape are skipped. `excludePids` and
 * their descendants (the sampling shell, its subshell, its ps) are left out.
 */
export function parsePsOutput(text: string, excludePids: ReadonlySet<number> = new Set()): NodeProcess[] {
  const processes: NodeProcess[] = [];
  for (const line of text.slice(0, MAX_STDOUT).split('\n')) {
    if (processes.length >= MAX_PROCESSES) break;
    const process = parsePsLine(line.endsWith('\r') ? line.slice(0, -1) : line);
    if (process) processes.push(process);
  }
  if (excludePids.size === 0) return processes;
  const excluded = new Set(excludePids);
  // Children may be listed before their parents (pids wrap): repeat until nothing is added.
  for (let grew = true; grew;) {
    grew = false;
    for (const p of processes) {
      if (!excluded.has(p.pid) && excluded.has(p.ppid)) {
        excluded.add(p.pid);
        grew = true;
      }
    }
  }
  return processes.filter((p) => !excluded.has(p.pid));
}

/** The stdout of SAMPLE_COMMAND. Missing or garbled sections are left out, never fatal. */
export function parseSample(stdout: string): NodeSample {
  const sections = new Map<string, string[]>();
  let current: string[] | undefined;
  let shellPid: number | undefined;
  let complete = false;
  for (const raw of stdout.slice(0, MAX_STDOUT).split('\n')) {
    const line = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
    if (line.startsWith(SAMPLE_MARK)) {
      const psHeader = PS_HEADER.exec(line);
      if (psHeader) {
        if (psHeader[1] !== undefined) shellPid = Number(psHeader[1]);
        current = [];
        sections.set(SAMPLE_SECTION.ps, current);
        continue;
      }
      if (SECTIONS.has(line)) {
        current = [];
        sections.set(line, current);
        continue;
      }
      if (line === SAMPLE_SECTION.end) {
        complete = true;
        current = undefined;
        continue;
      }
    }
    current?.push(line);
  }
  const sample: NodeSample = {
    processes: parsePsOutput((sections.get(SAMPLE_SECTION.ps) ?? []).join('\n'), new Set(shellPid === undefined ? [] : [shellPid])),
    complete,
  };
  const load = parseLoadavg((sections.get(SAMPLE_SECTION.loadavg) ?? []).join('\n'));
  if (load) sample.load = load;
  const cpus = parseNproc((sections.get(SAMPLE_SECTION.nproc) ?? []).join('\n'));
  if (cpus !== undefined) sample.cpus = cpus;
  const tmpFree = parseDfFree((sections.get(SAMPLE_SECTION.tmp) ?? []).join('\n'));
  if (tmpFree !== undefined) sample.tmpFreeKiB = tmpFree;
  const stat = sections.get(SAMPLE_SECTION.stat);
  if (stat !== undefined) {
    sample.cpu = stat
      .slice(0, MAX_PROCESSES)
      .map(parseProcStat)
      .filter((p): p is ProcessCpu => p !== undefined);
  }
  if (shellPid !== undefined) sample.samplerPid = shellPid;
  return sample;
}

const STAT_NUMBER = /^[0-9]{1,20}$/;

/**
 * One /proc/<pid>/stat line: "pid (comm) state ppid ... utime stime cutime cstime ... starttime".
 * comm may hold spaces and parentheses, so fields are counted from the last ")".
 */
export function parseProcStat(line: string): ProcessCpu | undefined {
  if (line.length > 4096) return undefined;
  const open = line.indexOf(' (');
  const close = line.lastIndexOf(') ');
  if (open <= 0 || close < open) return undefined;
  const pidText = line.slice(0, open);
  const fields = line.slice(close + 2).split(' ');
  // After the state: ppid is field 4, utime..cstime 14-17, starttime 22 (proc(5)).
  const pick = [fields[1], fields[11], fields[12], fields[13], fields[14], fields[19]];
  if (!STAT_NUMBER.test(pidText) || !pick.every((f) => f !== undefined && STAT_NUMBER.test(f))) return undefined;
  const [ppid, utime, stime, cutime, cstime, start] = pick.map(Number) as [number, number, number, number, number, number];
  const pid = Number(pidText);
  if (pid < 1) return undefined;
  return { pid, ppid, start, ticks: utime + stime + cutime + cstime };
}
