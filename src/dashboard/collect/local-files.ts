import { closeSync, constants, fstatSync, openSync, readdirSync, readFileSync, readSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { DISTCC_STATE_SIZE_LP64, jobFromStateFile, pidFromStateFileName, type DistccJob } from '../parse/distcc-state.js';
import { parseSharedSlots, type OtherRuns } from '../parse/shared-slots.js';
import { MAX_OBSERVABILITY_BYTES, parseObservability, pidFromObservabilityName, type PortageSnapshot } from '../parse/observability.js';

// Reads of the front end's own files, each cheap enough to repeat every second: distcc's
// state and lock directories, the logs, and Portage's status file. Synchronous: small files
// on tmpfs or in the page cache, where the thread pool's round trips would cost far more than
// the reads. Missing files are normal (nothing running yet, no observability): they read as
// nothing, never as an error.

// A few jobs per slot at most; a directory with more is not distcc's doing.
const MAX_STATE_FILES = 4096;
const STATE_READ_BYTES = 512;

/**
 * Every distcc client's state file in `<DISTCC_DIR>/state`, with its mtime. Hundreds of
 * them (32 nodes' worth of jobs) take about a millisecond this way.
 */
export function readDistccJobs(stateDir: string): DistccJob[] {
  const jobs: DistccJob[] = [];
  let entries: string[];
  try {
    entries = readdirSync(stateDir);
  } catch {
    return jobs;
  }
  const buffer = Buffer.alloc(Math.max(STATE_READ_BYTES, DISTCC_STATE_SIZE_LP64));
  for (const name of entries.slice(0, MAX_STATE_FILES)) {
    if (pidFromStateFileName(name) === undefined) continue;
    let fd: number;
    try {
      // The state directory is the build group's to write in (distcc's 02775): a FIFO planted
      // under a client's name would block this open, and with it demerge, for good.
      fd = openSync(join(stateDir, name), constants.O_RDONLY | constants.O_NONBLOCK | constants.O_NOFOLLOW);
    } catch {
      continue; // the client finished and removed it meanwhile
    }
    try {
      const info = fstatSync(fd);
      if (!info.isFile()) continue;
      const mtimeMs = info.mtimeMs;
      const bytesRead = readSync(fd, buffer, 0, buffer.length, 0);
      const job = jobFromStateFile(name, buffer.subarray(0, bytesRead), mtimeMs);
      if (job) jobs.push(job);
    } catch {
      // Unreadable mid-read: skip it this round.
    } finally {
      closeSync(fd);
    }
  }
  return jobs;
}

const BACKOFF = /^backoff_ssh_(.+)_[0-9]{1,6}$/;

function names(dir: string): string[] {
  try {
    return readdirSync(dir);
  } catch {
    return [];
  }
}

/**
 * Hosts distcc has backed off, from `<DISTCC_DIR>/lock/backoff_ssh_<host>_<slot>` (lock.c):
 * distcc skips a host until the file's mtime plus DISTCC_BACKOFF_PERIOD (backoff.c).
 */
export function readDistccBackoffs(lockDir: string, periodMs: number, now: number): Map<string, number> {
  const until = new Map<string, number>();
  for (const name of names(lockDir)) {
    const match = BACKOFF.exec(name);
    if (!match) continue;
    try {
      const end = statSync(join(lockDir, name)).mtimeMs + periodMs;
      const host = match[1] as string;
      if (end > now) until.set(host, Math.max(end, until.get(host) ?? 0));
    } catch {
      // Removed meanwhile: no longer backed off.
    }
  }
  return until;
}

/**
 * Portage's status file of an emerge of ours (FEATURES=observability). `isOurs` tells the
 * run's emerge from other emerges on the machine by pid.
 */
export function readPortageSnapshot(dir: string, isOurs: (pid: number) => boolean): PortageSnapshot | undefined {
  for (const name of names(dir)) {
    const pid = pidFromObservabilityName(name);
    if (pid === undefined || !isOurs(pid)) continue;
    try {
      const path = join(dir, name);
      if (statSync(path).size > MAX_OBSERVABILITY_BYTES) continue;
      const snapshot = parseObservability(readFileSync(path, 'utf8'));
      if (snapshot && snapshot.emergePid === pid) return snapshot;
    } catch {
      // Replaced or removed meanwhile.
    }
  }
  return undefined;
}

/** New bytes of a growing file from an offset: emerge.log and DISTCC_LOG. */
export class FileTail {
  constructor(
    readonly path: string,
    private offset: number,
    private readonly maxChunk: number = 4 * 1024 * 1024,
  ) {}

  /** What was appended since the last read (at most `limit` bytes); empty when nothing was (or no file yet). */
  read(limit: number = this.maxChunk): Buffer {
    let fd: number;
    try {
      // Logs the build user can name (the per-package ones) are read by root: a symlink is not
      // followed, and a FIFO or device planted under a log's name neither blocks nor is read.
      fd = openSync(this.path, constants.O_RDONLY | constants.O_NONBLOCK | constants.O_NOFOLLOW);
    } catch {
      return Buffer.alloc(0);
    }
    try {
      const info = fstatSync(fd);
      if (!info.isFile()) return Buffer.alloc(0);
      const { size } = info;
      // Truncated or replaced by a smaller file (logrotate): start over at its beginning.
      if (size < this.offset) this.offset = 0;
      const length = Math.min(size - this.offset, this.maxChunk, limit);
      if (length <= 0) return Buffer.alloc(0);
      const buffer = Buffer.alloc(length);
      const bytesRead = readSync(fd, buffer, 0, length, this.offset);
      this.offset += bytesRead;
      return buffer.subarray(0, bytesRead);
    } finally {
      closeSync(fd);
    }
  }
}

/** A log that grows and its unread bytes: one per package in the per-package log directory. */
interface TailedLog {
  tail: FileTail;
  key: string;
}

/**
 * New bytes of every log in a directory whose name `keyOf` accepts, files that appear later
 * included, each from its start. At most `maxFiles` files are followed and `budget` bytes read
 * per call in all; what is left is read by the next calls.
 */
export class DirectoryTail {
  private readonly logs = new Map<string, TailedLog>();

  constructor(
    readonly dir: string,
    private readonly keyOf: (name: string) => string | undefined,
    private readonly maxFiles: number = 4096,
    private readonly budget: number = 8 * 1024 * 1024,
  ) {}

  /** The new bytes of each file that has any, by key. */
  read(): Array<{ key: string; bytes: Buffer }> {
    for (const name of names(this.dir)) {
      if (this.logs.size >= this.maxFiles) break;
      if (this.logs.has(name)) continue;
      const key = this.keyOf(name);
      if (key !== undefined) this.logs.set(name, { key, tail: new FileTail(join(this.dir, name), 0) });
    }
    const chunks: Array<{ key: string; bytes: Buffer }> = [];
    let left = this.budget;
    for (const log of this.logs.values()) {
      if (left <= 0) break;
      const bytes = log.tail.read(left);
      left -= bytes.length;
      if (bytes.length > 0) chunks.push({ key: log.key, bytes });
    }
    return chunks;
  }
}

/** The run's shared-slots file (parse/shared-slots.ts): small, replaced by rename; absent reads as nothing. */
export function readSharedSlots(path: string): Map<string, OtherRuns> {
  let fd: number;
  try {
    fd = openSync(path, constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK);
  } catch {
    return new Map();
  }
  try {
    return fstatSync(fd).isFile() ? parseSharedSlots(readFileSync(fd, 'utf8')) : new Map();
  } catch {
    return new Map();
  } finally {
    closeSync(fd);
  }
}
