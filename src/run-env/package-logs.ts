import { chmodSync, chownSync, lstatSync, mkdirSync, readdirSync, readlinkSync, realpathSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import * as say from '../messages/run.js';
import type { BindMount } from './flag-mounts.js';
import { shellQuote } from './shell-quote.js';

// Every distcc job belongs to the package whose build ran it. distcc's log lines carry only the
// client's pid, which under Portage's pid-sandbox is a pid of the package's own PID namespace:
// two packages building at once (emerge --jobs) reuse the same small pids, and distcc logs no
// working directory. So each package gets a DISTCC_LOG of its own instead.
//
// FEATURES=distcc puts the masquerade directory (/usr/lib/distcc[/bin]) first on PATH, and every
// compiler name there is distcc. In emerge's own mount namespace (flag-mounts.ts) the run binds a
// directory of its own over it: the same names, each a small bash script that points DISTCC_LOG
// at <log dir>/<CATEGORY>:<PF>.log (Portage exports both into every phase) and execs distcc with
// the same argv[0]. distcc then masquerades exactly as before: it drops every PATH entry up to
// and including the directory of argv[0] (climasq.c) and compiles the same command line, named
// by basename(argv[0]) (distcc.c). The sandbox lets distcc write there because ebuild.sh adds
// ${DISTCC_LOG%/*} (the run's default log, in the same directory) to its write list.

// Jobs run as the build user (src_compile) and as root (src_install and other root phases):
// each writes its package's log in a directory of its own user. A directory the build user owns
// may hold a symlink it planted under a package's log name, which distcc, opening DISTCC_LOG
// with O_APPEND|O_CREAT, would follow; so root's jobs never write there. The directory above
// both, and the run's default log in it, stay root's, as DISTCC_LOG's directory was before.

/** Per-package logs of jobs that run as the build user, then of jobs that run as root. */
export const PACKAGE_LOG_SUBDIRS = ['build-user', 'root'] as const;

/** The run's per-package logs. */
export interface PackageLogs {
  /** Holds the default log (the build user's file) and PACKAGE_LOG_SUBDIRS; root's, 0750 group of the build user. */
  dir: string;
  /** The run's DISTCC_LOG: jobs outside any package's build (CATEGORY unset). */
  defaultLog: string;
  /** The wrappers' directory (root's, 0755) bound over the masquerade directory. */
  bind: BindMount;
}

const LOG_DIR = 'package-logs';
const DEFAULT_LOG = 'run.log';
const WRAPPER_DIR = 'masquerade';
// PMS 3.1.1 and 3.1.2: category and package names (and so PF) are made of these, and never
// begin with '.', '-' or '+'; ':' is in neither, so `<CATEGORY>:<PF>` is one unambiguous name.
const NAME = '^[A-Za-z0-9_][A-Za-z0-9+_.-]*$';
const NAME_RE = new RegExp(NAME);
const LOG_NAME = /^([A-Za-z0-9_][A-Za-z0-9+_.-]*):([A-Za-z0-9_][A-Za-z0-9+_.-]*)\.log$/;

/** The file name of a package's log: `<category>:<pf>.log`. */
export function packageLogName(category: string, pf: string): string | undefined {
  return NAME_RE.test(category) && NAME_RE.test(pf) ? `${category}:${pf}.log` : undefined;
}

/** The package (`category/pf`) a log file name belongs to, or undefined for any other name. */
export function packageOfLogName(name: string): string | undefined {
  const match = LOG_NAME.exec(name);
  return match === null ? undefined : `${match[1]}/${match[2]}`;
}

/** The wrapper for one compiler name: bash with -p, so no BASH_ENV, SHELLOPTS or exported functions run in it. */
export function wrapperScript(bash: string, distcc: string, defaultLog: string, dir: string, buildUid: number): string {
  const [buildUserDir, rootDir] = PACKAGE_LOG_SUBDIRS;
  return [
    `#!${bash} -p`,
    "# demerge: this run writes each package's distcc log apart (src/run-env/package-logs.ts).",
    `re=${shellQuote(NAME)}`,
    'case $EUID in',
    `  0) d=${shellQuote(`${dir}/${rootDir}/`)} ;;`,
    `  ${String(buildUid)}) d=${shellQuote(`${dir}/${buildUserDir}/`)} ;;`,
    "  *) d='' ;;",
    'esac',
    `if [[ -n $d && \${DISTCC_LOG-} == ${shellQuote(defaultLog)} && \${CATEGORY-} =~ $re && \${PF-} =~ $re ]]; then`,
    '  export DISTCC_LOG="$d$CATEGORY:$PF.log"',
    'fi',
    `exec -a "$0" ${shellQuote(distcc)} "$@"`,
    '',
  ].join('\n');
}

/** Why the run cannot give each package its own log, or the logs. */
export type PackageLogsOutcome = { ok: true; logs: PackageLogs } | { ok: false; reason: string };

export interface PackageLogsOptions {
  runDir: string;
  buildUser: { uid: number; gid: number };
  /** The masquerade directory Portage will put first on PATH. */
  masqueradeDir: string;
  bash: string;
}

/** What each name of the masquerade directory becomes in the run's copy of it. */
type Entry = { name: string; distcc: string } | { name: string; link: string };

function entriesOf(masqueradeDir: string): Entry[] | string {
  const entries: Entry[] = [];
  for (const name of readdirSync(masqueradeDir)) {
    const path = join(masqueradeDir, name);
    const info = lstatSync(path);
    let real: string | undefined;
    try {
      real = realpathSync(path);
    } catch {
      real = undefined;
    }
    // distcc's own test for its name (distcc.c: strstr(compiler_name, "distcc")).
    if (real !== undefined && basename(real).includes('distcc') && statSync(real).isFile()) entries.push({ name, distcc: real });
    else if (info.isSymbolicLink()) entries.push({ name, link: readlinkSync(path) });
    else return say.masqueradeEntryNotDistcc(path);
  }
  return entries;
}

/**
 * The log directory, the default log and the wrappers. Nothing outside the run directory is
 * touched: the bind is made by emerge's mount namespace.
 */
export function preparePackageLogs(options: PackageLogsOptions): PackageLogsOutcome {
  const { runDir, buildUser, masqueradeDir, bash } = options;
  let entries: Entry[] | string;
  try {
    entries = entriesOf(masqueradeDir);
  } catch (error) {
    return { ok: false, reason: say.masqueradeUnreadable(masqueradeDir, (error as NodeJS.ErrnoException).code ?? String(error)) };
  }
  if (typeof entries === 'string') return { ok: false, reason: entries };
  const dir = join(runDir, LOG_DIR);
  mkdirSync(dir, { mode: 0o750 });
  chownSync(dir, 0, buildUser.gid);
  chmodSync(dir, 0o750);
  const [buildUserDir, rootDir] = PACKAGE_LOG_SUBDIRS;
  mkdirSync(join(dir, buildUserDir), { mode: 0o700 });
  chownSync(join(dir, buildUserDir), buildUser.uid, buildUser.gid);
  chmodSync(join(dir, buildUserDir), 0o700);
  mkdirSync(join(dir, rootDir), { mode: 0o700 });
  chmodSync(join(dir, rootDir), 0o700);
  const defaultLog = join(dir, DEFAULT_LOG);
  writeFileSync(defaultLog, '', { mode: 0o660, flag: 'wx' });
  chownSync(defaultLog, buildUser.uid, buildUser.gid);
  chmodSync(defaultLog, 0o660);
  // Bound over the masquerade directory, it is what root and the build user run; the run
  // directory's other entries are closed to everyone else, and so is this one.
  const wrappers = join(runDir, WRAPPER_DIR);
  mkdirSync(wrappers, { mode: 0o750 });
  chownSync(wrappers, 0, buildUser.gid);
  chmodSync(wrappers, 0o750);
  for (const entry of entries) {
    const path = join(wrappers, entry.name);
    if ('link' in entry) symlinkSync(entry.link, path);
    else {
      writeFileSync(path, wrapperScript(bash, entry.distcc, defaultLog, dir, buildUser.uid), { mode: 0o755, flag: 'wx' });
      chmodSync(path, 0o755);
    }
  }
  return { ok: true, logs: { dir, defaultLog, bind: { source: wrappers, target: masqueradeDir, failure: say.masqueradeNotMounted(masqueradeDir) } } };
}
