// distcc's binstate_<pid> files: one native `struct dcc_task_state` per client process
// (distcc src/state.h, written by dcc_note_state in src/state.c, read by src/mon.c).
//
//   size_t struct_size; unsigned long magic; unsigned long cpid;
//   char file[128]; char host[128]; int slot; enum dcc_phase curr_phase;
//   struct dcc_task_state *next;   // garbage in the file, but counted in struct_size
//
// "Native" means the front end's ABI. Both LP64 (x86-64, aarch64: 296 bytes) and ILP32
// (i686, armv7: 280 bytes) are recognised, in either byte order, by the same check mon.c
// makes: struct_size equals the struct's size and magic is "DIH\0".

import { sanitizeTerminalText } from '../sanitize.js';

export const DISTCC_STATE_MAGIC = 0x44494800;
/** mon.c's dcc_phase_max_age: distccmon forgets state files whose mtime is older. */
export const DISTCC_STATE_MAX_AGE_MS = 60_000;

// Order is the enum's (state.h): the value in the file is the index.
export const DISTCC_PHASES = ['startup', 'blocked', 'connect', 'preprocess', 'send', 'compile', 'receive', 'done'] as const;
export type DistccPhase = (typeof DISTCC_PHASES)[number];

interface DistccJobState {
  /** Client pid as the client saw it (inside Portage's PID namespace: not ours to signal). */
  cpid: number;
  /** Basename of the source; empty while only the local preprocessor slot was noted. */
  file: string;
  /** distcc's host name for the job (`localhost` for local work), not the full host spec. */
  host: string;
  slot: number;
  phase: DistccPhase;
}

export interface DistccJob extends DistccJobState {
  /** From the file name; equal to cpid for files distcc wrote. */
  pid: number;
  /** The file's mtime: distcc rewrites the file on every phase change. */
  mtimeMs: number;
}

interface Layout {
  wordSize: 4 | 8;
  littleEndian: boolean;
  size: number;
}

const FILE_LEN = 128;
const HOST_LEN = 128;

// size_t, 2 longs, 2 char arrays, 2 ints, 1 pointer, padded to the word size.
function layoutSize(wordSize: 4 | 8): number {
  const raw = 3 * wordSize + FILE_LEN + HOST_LEN + 4 + 4;
  const aligned = Math.ceil(raw / wordSize) * wordSize;
  return aligned + wordSize;
}

const LAYOUTS: readonly Layout[] = [
  { wordSize: 8, littleEndian: true, size: layoutSize(8) },
  { wordSize: 8, littleEndian: false, size: layoutSize(8) },
  { wordSize: 4, littleEndian: true, size: layoutSize(4) },
  { wordSize: 4, littleEndian: false, size: layoutSize(4) },
];

/** Size of the x86-64 struct: 296 bytes. */
export const DISTCC_STATE_SIZE_LP64 = layoutSize(8);
/** Size of the i686 struct: 280 bytes. */
export const DISTCC_STATE_SIZE_ILP32 = layoutSize(4);

function readWord(data: Buffer, offset: number, layout: Layout): number | undefined {
  if (layout.wordSize === 4) return layout.littleEndian ? data.readUInt32LE(offset) : data.readUInt32BE(offset);
  const value = layout.littleEndian ? data.readBigUInt64LE(offset) : data.readBigUInt64BE(offset);
  return value <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(value) : undefined;
}

function readInt(data: Buffer, offset: number, layout: Layout): number {
  return layout.littleEndian ? data.readInt32LE(offset) : data.readInt32BE(offset);
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

// strlcpy leaves a NUL; mon.c still forces the last byte to NUL, so a field without one is
// read as its first 127 bytes. File names are bytes: UTF-8 when valid, else Latin-1.
function readCString(data: Buffer, offset: number, length: number): string {
  const field = data.subarray(offset, offset + length - 1);
  const end = field.indexOf(0);
  const bytes = end === -1 ? field : field.subarray(0, end);
  let text: string;
  try {
    text = utf8.decode(bytes);
  } catch {
    text = bytes.toString('latin1');
  }
  return sanitizeTerminalText(text, length);
}

function findLayout(data: Buffer): Layout | undefined {
  for (const layout of LAYOUTS) {
    if (data.length < layout.size) continue;
    if (readWord(data, 0, layout) !== layout.size) continue;
    if (readWord(data, layout.wordSize, layout) !== DISTCC_STATE_MAGIC) continue;
    return layout;
  }
  return undefined;
}

// where.c's dcc_lock_one never hands out slot 10000 or above.
const MAX_SLOT = 10_000;

/**
 * Decodes one binstate file. Returns undefined for anything mon.c would reject (short or
 * empty file: the writer truncates before it writes; wrong size or magic) and, unlike mon.c,
 * which shows out-of-range phases as "compile", also for a phase or slot distcc cannot write.
 */
export function parseDistccState(data: Buffer): DistccJobState | undefined {
  const layout = findLayout(data);
  if (!layout) return undefined;
  const w = layout.wordSize;
  const cpid = readWord(data, 2 * w, layout);
  if (cpid === undefined) return undefined;
  const fileAt = 3 * w;
  const hostAt = fileAt + FILE_LEN;
  const slotAt = hostAt + HOST_LEN;
  const slot = readInt(data, slotAt, layout);
  const phaseNumber = readInt(data, slotAt + 4, layout);
  const phase = DISTCC_PHASES[phaseNumber];
  if (phase === undefined || slot < 0 || slot >= MAX_SLOT) return undefined;
  return {
    cpid,
    file: readCString(data, fileAt, FILE_LEN),
    host: readCString(data, hostAt, HOST_LEN),
    slot,
    phase,
  };
}

const STATE_NAME = /^binstate_([0-9]{1,10})$/;

/** The pid in a `binstate_<pid>` name, or undefined for any other file in the directory. */
export function pidFromStateFileName(name: string): number | undefined {
  const match = STATE_NAME.exec(name);
  if (!match) return undefined;
  const pid = Number(match[1]);
  return pid > 0 && pid <= 0xffffffff ? pid : undefined;
}

/** A state file as a job: its content plus the pid from its name and its mtime. */
export function jobFromStateFile(name: string, data: Buffer, mtimeMs: number): DistccJob | undefined {
  const pid = pidFromStateFileName(name);
  if (pid === undefined || !Number.isFinite(mtimeMs)) return undefined;
  const state = parseDistccState(data);
  if (!state) return undefined;
  return { ...state, pid, mtimeMs };
}

/**
 * Whether a job's file is too old to believe. distccmon also asks kill(pid, 0), but under
 * Portage's pid-sandbox the pids belong to another namespace, so age is all there is. A
 * remote compile longer than maxAgeMs does not touch its file and is dropped too, as mon.c does.
 */
export function isStaleJob(job: DistccJob, nowMs: number, maxAgeMs: number = DISTCC_STATE_MAX_AGE_MS): boolean {
  return nowMs - job.mtimeMs > maxAgeMs;
}

/** Jobs still running: not stale and not yet done (distcc removes its file at exit). */
export function liveJobs(jobs: readonly DistccJob[], nowMs: number, maxAgeMs: number = DISTCC_STATE_MAX_AGE_MS): DistccJob[] {
  return jobs.filter((job) => job.phase !== 'done' && !isStaleJob(job, nowMs, maxAgeMs));
}
