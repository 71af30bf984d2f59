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

/** One bind mount of the run: `source` shown at `target`; `failure` is said when it fails. */
export interface BindMount {
  source: string;
  target: string;
  /** A line for sh's double quotes: no ", $, ` or backslash of its own (`$2` is the target). */
  failure: string;
}

const SYSTEM_PATH = '/usr/bin:/bin:/usr/sbin:/sbin';

// $1 is the count of mounts, then source, target and failure line of each, then emerge and its
// arguments. The failure line is printed with printf's %s: it is data, never code.
const SCRIPT = [
  'n=$1; shift',
  'while [ "$n" -gt 0 ]; do',
  '  mount --bind -- "$1" "$2" || { printf \'%s\\n\' "$3" >&2; exit 125; }',
  '  shift 3; n=$((n - 1))',
  'done',
  'exec "$@"',
].join('\n');

export function mountTools(): { unshare: string; sh: string } | undefined {
  const unshare = which('unshare', SYSTEM_PATH);
  const sh = which('sh', SYSTEM_PATH);
  const mount = which('mount', SYSTEM_PATH);
  return unshare === undefined || sh === undefined || mount === undefined ? undefined : { unshare, sh };
}

/** Writes the copies into `dir` (same mode and owner as each original): the binds that show them. */
export function writeFlagCopies(dir: string, files: readonly MountedFile[]): BindMount[] {
  mkdirSync(dir, { mode: 0o755 });
  return files.map((file, index) => {
    const original = statSync(file.target);
    const copy = join(dir, `${index}.conf`);
    writeFileSync(copy, file.text, { mode: 0o600, flag: 'wx' });
    chownSync(copy, original.uid, original.gid);
    chmodSync(copy, original.mode & 0o7777);
    return { source: copy, target: file.target, failure: say.flagCopyNotMounted(file.target) };
  });
}

/** The command that runs `emerge args` with the binds in place; args are passed through as they are. */
export function mountedCommand(binds: readonly BindMount[], emerge: EmergeCommand, tools: { unshare: string; sh: string }): EmergeCommand {
  if (binds.length === 0) return emerge;
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
      'demerge-mounts',
      String(binds.length),
      ...binds.flatMap((bind) => [bind.source, bind.target, bind.failure]),
      emerge.program,
      ...emerge.args,
    ],
  };
}

/** The copies written into `dir` and the command that shows them to emerge. */
export function mountedEmergeCommand(dir: string, files: readonly MountedFile[], emerge: EmergeCommand, tools: { unshare: string; sh: string }): EmergeCommand {
  return mountedCommand(writeFlagCopies(dir, files), emerge, tools);
}
