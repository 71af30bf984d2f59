import { closeSync, fstatSync, openSync, readSync, statSync, constants } from 'node:fs';

// Files as ssh sees them: stat from the invoking user (root), and reading as the build user,
// who is the one running ssh under Portage's userpriv.

export interface FileFacts {
  uid: number;
  gid: number;
  /** Permission bits only (mode & 0o7777). */
  mode: number;
  isFile: boolean;
}

export interface Identity {
  name: string;
  uid: number;
  gid: number;
}

export type StatResult = { ok: true; facts: FileFacts } | { ok: false; code: string };

export function statFile(path: string): StatResult {
  try {
    const info = statSync(path);
    return { ok: true, facts: { uid: info.uid, gid: info.gid, mode: info.mode & 0o7777, isFile: info.isFile() } };
  } catch (error) {
    return { ok: false, code: (error as NodeJS.ErrnoException).code ?? String(error) };
  }
}

export type ReadResult = { ok: true; data: Buffer } | { ok: false; code: string };

const MAX_READ = 1024 * 1024;

/**
 * The file's bytes as `who` would read them: when running as root for another user, the
 * effective ids and groups change around one synchronous open and read (nothing else of this
 * process runs meanwhile) and are restored in `finally`, so directory and file permissions are
 * checked by the kernel exactly as for ssh running as the build user.
 */
export function readAs(path: string, who: Identity | undefined): ReadResult {
  const euid = process.geteuid?.();
  if (who === undefined || euid === undefined || euid !== 0 || who.uid === 0) return readPlain(path);
  const groups = process.getgroups?.() ?? [];
  const egid = process.getegid?.() ?? 0;
  try {
    // Node has initgroups(3); @types/node does not declare it.
    (process as { initgroups?: (user: string, extraGroup: number) => void }).initgroups?.(who.name, who.gid);
    process.setegid?.(who.gid);
    process.seteuid?.(who.uid);
    return readPlain(path);
  } catch (error) {
    return { ok: false, code: (error as NodeJS.ErrnoException).code ?? String(error) };
  } finally {
    process.seteuid?.(0);
    process.setegid?.(egid);
    process.setgroups?.(groups);
  }
}

function readPlain(path: string): ReadResult {
  let fd: number | undefined;
  try {
    // O_NONBLOCK: a FIFO put in place of a key must not hang the checks.
    fd = openSync(path, constants.O_RDONLY | constants.O_NONBLOCK);
    const size = Math.min(fstatSync(fd).size, MAX_READ);
    const data = Buffer.alloc(size);
    let read = 0;
    while (read < size) {
      const n = readSync(fd, data, read, size - read, read);
      if (n === 0) break;
      read += n;
    }
    return { ok: true, data: data.subarray(0, read) };
  } catch (error) {
    return { ok: false, code: (error as NodeJS.ErrnoException).code ?? String(error) };
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}
