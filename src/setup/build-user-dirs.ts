import { chmodSync, mkdirSync, statSync } from 'node:fs';
import { dirname } from 'node:path';
import { DemergeError } from '../errors.js';
import * as msg from '../messages.js';

// The build reads the key and known_hosts as the build user (Portage's userpriv), so every
// directory above them must be searchable by that user. Directories setup creates are 0755;
// existing ones are not loosened behind the admin's back: setup names them and stops.

export interface BuildUser {
  name: string;
  uid: number;
  gid: number;
}

function canSearch(mode: number, owner: { uid: number; gid: number }, user: BuildUser): boolean {
  if (user.uid === 0) return true;
  if (owner.uid === user.uid) return (mode & 0o100) !== 0;
  if (owner.gid === user.gid) return (mode & 0o010) !== 0;
  return (mode & 0o001) !== 0;
}

/** Creates the missing directories up to `dir` and checks that `user` can reach files in it. */
export function prepareDirFor(dir: string, user: BuildUser, what: string): string[] {
  const missing: string[] = [];
  let at = dir;
  for (;;) {
    let info;
    try {
      info = statSync(at);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
      missing.unshift(at);
      at = dirname(at);
      continue;
    }
    if (!info.isDirectory()) throw new DemergeError(...msg.notADirectory(at, what));
    break;
  }
  // Check what exists before creating anything, so a refusal changes nothing.
  for (let up = at; ; up = dirname(up)) {
    const info = statSync(up);
    if (!canSearch(info.mode, info, user)) throw new DemergeError(...msg.dirNotSearchable(up, user.name, what));
    if (up === dirname(up)) break;
  }
  for (const path of missing) {
    mkdirSync(path, { mode: 0o755 });
    chmodSync(path, 0o755); // whatever the umask
  }
  return missing;
}
