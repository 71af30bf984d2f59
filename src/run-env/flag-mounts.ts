import { statSync, writeFileSync, chmodSync, chownSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import * as say from '../messages/run.js';
import { which } from '../system/which.js';

// The run's copies of Portage's configuration files (native flags made explicit) are put in
// place of the originals by bind mounts in a mount namespace of emerge's own (util-linux's
// unshare, private propagation): emerge and everything it starts read the copy at the
// original path, nothing else on the machine sees a change, nothing under /etc/portage is
// written, and the mounts end with the last process of emerge's namespace. unshare and sh
// exec in place, so emerge keeps the pid demerge started, its terminal and its signals.

export interface MountedFile {
  /** The original path, as Portage reads it. */
  target: string;
  text: string;
}

export interface EmergeCommand {
  program: string;
  args: string[];
}

const SYSTEM_PATH = '/usr/bin:/bin:/usr/sbin:/sbin';

// $1 is the count of pairs, then source target pairs, then emerge and its arguments.
const SCRIPT = [
  'n=$1; shift',
  'while [ "$n" -gt 0 ]; do',
  `  mount --bind -- "$1" "$2" || { echo "${say.flagCopyNotMounted('$2')}" >&2; exit 125; }`,
  '  shift 2; n=$((n - 1))',
  'done',
  'exec "$@"',
].join('\n');

export function mountTools(): { unshare: string; sh: string } | undefined {
  const unshare = which('unshare', SYSTEM_PATH);
  const sh = which('sh', SYSTEM_PATH);
  const mount = which('mount', SYSTEM_PATH);
  return unshare === undefined || sh === undefined || mount === undefined ? undefined : { unshare, sh };
}

/**
 * Writes the copies into `dir` (same mode and owner as each original) and returns the command
 * that runs `emerge args` with them in place; args are passed through as they are.
 */
export function mountedEmergeCommand(dir: string, files: readonly MountedFile[], emerge: EmergeCommand, tools: { unshare: string; sh: string }): EmergeCommand {
  mkdirSync(dir, { mode: 0o755 });
  const pairs: string[] = [];
  files.forEach((file, index) => {
    const original = statSync(file.target);
    const copy = join(dir, `${index}.conf`);
    writeFileSync(copy, file.text, { mode: 0o600, flag: 'wx' });
    chownSync(copy, original.uid, original.gid);
    chmodSync(copy, original.mode & 0o7777);
    pairs.push(copy, file.target);
  });
  return {
    program: tools.unshare,
    args: [
      '--mount',
      '--propagation',
      'private',
      '--',
      tools.sh,
      '-c',
      SCRIPT,
      'demerge-flags',
      String(files.length),
      ...pairs,
      emerge.program,
      ...emerge.args,
    ],
  };
}
