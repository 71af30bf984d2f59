import { chmodSync, chownSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DemergeError } from '../errors.js';
import { runDirUnsafe } from '../messages.js';
import { endRunProcesses } from './run-processes.js';

// Each run gets a private directory for its wrapper, ssh config and DISTCC_DIR. Root runs keep it
// on /run (tmpfs: gone at reboot at the latest); the build user reads it through its group and
// nobody else can. The name starts with demerge's PID so a later run can tell a dead run's
// leftovers from a live one's.

export interface RunDir {
  path: string;
  id: string;
  remove(): void;
}

export interface RunDirOptions {
  /** Group that may read and enter the directory: the build user's. Unset when not root. */
  group?: number | undefined;
  base?: string;
  isAlive?: (pid: number) => boolean;
}

export function runDirBase(uid: number): string {
  return uid === 0 ? '/run/demerge' : join(tmpdir(), `demerge-${uid}`);
}

export function createRunDir(uid: number, options: RunDirOptions = {}): RunDir {
  const base = options.base ?? runDirBase(uid);
  mkdirSync(base, { recursive: true, mode: uid === 0 ? 0o755 : 0o700 });
  const info = lstatSync(base);
  if (!info.isDirectory() || info.uid !== uid || (info.mode & 0o022) !== 0) {
    throw new DemergeError(...runDirUnsafe(base));
  }
  removeStaleRunDirs(base, options.isAlive ?? isAlive);
  const path = mkdtempSync(join(base, `${process.pid}-`));
  if (/\s/.test(path)) throw new DemergeError(...runDirUnsafe(path));
  if (options.group !== undefined) {
    chownSync(path, uid, options.group);
    chmodSync(path, 0o750);
  }
  const id = path.slice(base.length + 1);
  return { path, id, remove: () => rmSync(path, { recursive: true, force: true }) };
}

/**
 * Directories of runs whose demerge process is gone (killed with SIGKILL, machine crash), and
 * the processes such a run left running.
 */
export function removeStaleRunDirs(base: string, alive: (pid: number) => boolean): string[] {
  const removed: string[] = [];
  for (const name of readdirSync(base)) {
    const match = /^(\d+)-[A-Za-z0-9]+$/.exec(name);
    if (!match) continue;
    const pid = Number(match[1]);
    if (pid === process.pid || alive(pid)) continue;
    endRunProcesses(join(base, name));
    rmSync(join(base, name), { recursive: true, force: true });
    removed.push(name);
  }
  return removed;
}

/** Whether a process exists (EPERM: it does, under another user). */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
