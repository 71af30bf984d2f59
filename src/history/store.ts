import { chmodSync, closeSync, constants, fstatSync, lstatSync, mkdirSync, openSync, readSync, renameSync, statSync, writeSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { flockFile } from '../system/spawn.js';
import { which } from '../system/which.js';
import { parseRecord, type RunRecord } from './record.js';

// The history of runs on the front end: ${EPREFIX}/var/lib/demerge/history.jsonl (docs/history.md
// says why there), one JSON record per line, root's 0644 in a 0755 directory.
//
// - Appends: one write(2) of one whole line on an O_APPEND descriptor. The kernel places each
//   such write at the end of the file as a unit, so two runs ending at once never mix their
//   lines, and a run killed with SIGKILL either wrote its line or did not. A crash or a full disk
//   can still leave a torn last line; the next append then starts on a new line, so only that
//   record is lost, and the reader skips it and counts it.
// - Size cap: a file that would pass `maxBytes` is renamed to history.jsonl.1 (the one before
//   is replaced) under flock(2) on history.jsonl.lock, and the size is checked again under the
//   lock, so two runs never both rotate (which would drop a whole file). Readers read .1 first.
// - Nothing here throws at a caller that only reads: a missing file is an empty history.

export const HISTORY_NAME = 'history.jsonl';
export const DEFAULT_MAX_BYTES = 8 * 1024 * 1024;
/** One record is a run's nodes and packages; more than this is not a record of ours. */
export const MAX_RECORD_BYTES = 4 * 1024 * 1024;
// A reader reads at most this much of each file (the end of it), whatever sits there.
const MAX_READ_BYTES = 64 * 1024 * 1024;
const LOCK_SECONDS = 10;
const SYSTEM_PATH = '/usr/bin:/bin:/usr/sbin:/sbin';

/** ${EPREFIX}/var/lib/demerge/history.jsonl, or $DEMERGE_HISTORY. */
export function historyPath(eprefix: string, env: Record<string, string | undefined>): string {
  const chosen = env.DEMERGE_HISTORY;
  if (chosen !== undefined && chosen !== '') return chosen;
  return join(eprefix || '/', 'var', 'lib', 'demerge', HISTORY_NAME);
}

export type AppendOutcome = { ok: true; rotated: boolean } | { ok: false; reason: string };

function sizeOf(path: string): number {
  try {
    return statSync(path).size;
  } catch {
    return 0;
  }
}

/** The directory, made 0755 if missing; refused when someone else could change what is in it. */
function checkDirectory(dir: string, uid: number): string | undefined {
  try {
    mkdirSync(dir, { recursive: true, mode: 0o755 });
    const info = lstatSync(dir);
    if (!info.isDirectory()) return `${dir} is not a directory`;
    if (info.uid !== uid || (info.mode & 0o022) !== 0) return `${dir} is writable by others than its owner, or not ours`;
    return undefined;
  } catch (error) {
    return `${dir}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`;
  }
}

async function rotateIfFull(path: string, incoming: number, maxBytes: number): Promise<boolean> {
  if (sizeOf(path) + incoming <= maxBytes) return false;
  const flock = which('flock', SYSTEM_PATH);
  if (flock === undefined) return false;
  const lock = openSync(`${path}.lock`, constants.O_RDWR | constants.O_CREAT | constants.O_NOFOLLOW, 0o644);
  try {
    if (!(await flockFile(flock, lock, LOCK_SECONDS))) return false;
    // Another run may have rotated while we waited.
    if (sizeOf(path) + incoming <= maxBytes) return false;
    renameSync(path, `${path}.1`);
    return true;
  } finally {
    closeSync(lock);
  }
}

/** Whether the file's last byte is a newline (or it is empty), read through the append descriptor. */
function endsWithNewline(fd: number): boolean {
  const { size } = fstatSync(fd);
  if (size === 0) return true;
  const last = Buffer.alloc(1);
  readSync(fd, last, 0, 1, size - 1);
  return last[0] === 0x0a;
}

/** Appends one record (a line from renderRecord); `uid` owns the directory (root). */
export async function appendRecord(path: string, line: string, options: { uid: number; maxBytes?: number }): Promise<AppendOutcome> {
  if (!line.endsWith('\n') || line.indexOf('\n') !== line.length - 1) return { ok: false, reason: 'not one line' };
  const bytes = Buffer.from(line, 'utf8');
  if (bytes.length > MAX_RECORD_BYTES) return { ok: false, reason: `a record of ${bytes.length} bytes` };
  const problem = checkDirectory(dirname(path), options.uid);
  if (problem !== undefined) return { ok: false, reason: problem };
  let rotated = false;
  let fd: number;
  try {
    rotated = await rotateIfFull(path, bytes.length, options.maxBytes ?? DEFAULT_MAX_BYTES);
    fd = openSync(path, constants.O_RDWR | constants.O_APPEND | constants.O_CREAT | constants.O_NOFOLLOW, 0o644);
  } catch (error) {
    return { ok: false, reason: `${path}: ${(error as NodeJS.ErrnoException).code ?? String(error)}` };
  }
  try {
    if (!fstatSync(fd).isFile()) return { ok: false, reason: `${path} is not a file` };
    chmodSync(path, 0o644);
    // A torn last line (a crash mid-write) must not swallow this record too.
    const data = endsWithNewline(fd) ? bytes : Buffer.concat([Buffer.from('\n'), bytes]);
    const written = writeSync(fd, data);
    if (written !== data.length) return { ok: false, reason: `${path}: short write (${written} of ${data.length} bytes)` };
    return { ok: true, rotated };
  } catch (error) {
    return { ok: false, reason: `${path}: ${(error as NodeJS.ErrnoException).code ?? String(error)}` };
  } finally {
    closeSync(fd);
  }
}

export interface History {
  /** Oldest first. */
  records: RunRecord[];
  /** Lines that were not a whole, valid record (torn, cut, garbage, too long). */
  skipped: number;
}

/** The end of a file, at most `max` bytes; a start cut mid-line is dropped (and counted). */
function readTail(path: string, max: number): { text: string; cut: boolean } | undefined {
  let fd: number;
  try {
    fd = openSync(path, constants.O_RDONLY | constants.O_NOFOLLOW);
  } catch {
    return undefined;
  }
  try {
    const info = fstatSync(fd);
    if (!info.isFile()) return undefined;
    const length = Math.min(info.size, max);
    const buffer = Buffer.alloc(length);
    let read = 0;
    while (read < length) {
      const n = readSync(fd, buffer, read, length - read, info.size - length + read);
      if (n === 0) break;
      read += n;
    }
    let text = buffer.subarray(0, read).toString('utf8');
    const cut = length < info.size;
    if (cut) text = text.slice(text.indexOf('\n') + 1);
    return { text, cut };
  } finally {
    closeSync(fd);
  }
}

/** Parses history text: every line a record, blank lines ignored. */
export function parseHistory(text: string): History {
  const records: RunRecord[] = [];
  let skipped = 0;
  for (const line of text.split('\n')) {
    if (line.trim() === '') continue;
    const record = Buffer.byteLength(line, 'utf8') > MAX_RECORD_BYTES ? undefined : parseRecord(line);
    if (record === undefined) skipped++;
    else records.push(record);
  }
  return { records, skipped };
}

/** The rotated file, then the current one. */
export function readHistory(path: string): History {
  const history: History = { records: [], skipped: 0 };
  for (const file of [`${path}.1`, path]) {
    const tail = readTail(file, MAX_READ_BYTES);
    if (tail === undefined) continue;
    const part = parseHistory(tail.text);
    history.records.push(...part.records);
    history.skipped += part.skipped + (tail.cut ? 1 : 0);
  }
  return history;
}
