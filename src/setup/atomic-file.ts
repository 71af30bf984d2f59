import { randomBytes } from 'node:crypto';
import { closeSync, fchmodSync, fchownSync, fsyncSync, openSync, readFileSync, renameSync, statSync, unlinkSync, writeSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';

// Files that setup writes on the front end: never half-written (a temporary file in the same
// directory, synced, then renamed over the old one) and never rewritten when nothing changes.

export interface Ownership {
  uid: number;
  gid: number;
}

export interface FileSpec extends Ownership {
  content: string | Buffer;
  mode: number;
}

/** A fresh name next to `path` for a temporary file; `wx` makes its creation exclusive. */
export function tempPathFor(path: string): string {
  return join(dirname(path), `.${basename(path)}.demerge-${randomBytes(6).toString('hex')}`);
}

function sameFile(path: string, spec: FileSpec): boolean {
  try {
    const info = statSync(path);
    if (!info.isFile() || info.uid !== spec.uid || info.gid !== spec.gid || (info.mode & 0o7777) !== spec.mode) return false;
    return readFileSync(path).equals(Buffer.from(spec.content));
  } catch {
    return false;
  }
}

/** Writes `path` atomically with the given owner and mode; false when it was already exactly so. */
export function writeFileAtomic(path: string, spec: FileSpec): boolean {
  if (sameFile(path, spec)) return false;
  const temp = tempPathFor(path);
  const fd = openSync(temp, 'wx', 0o600);
  try {
    try {
      writeSync(fd, Buffer.from(spec.content));
      fchownSync(fd, spec.uid, spec.gid);
      fchmodSync(fd, spec.mode);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(temp, path);
  } catch (error) {
    try {
      unlinkSync(temp);
    } catch {
      // already renamed or never created
    }
    throw error;
  }
  return true;
}
