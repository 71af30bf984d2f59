// The status sample a build node is asked for: the command text, which the dashboard sends over
// its SSH connection and parses (src/dashboard/parse/ps.ts), and which `setup node --restrict`
// lets through the forced command byte for byte (src/setup/forced-command.ts). Both read it
// from here, so the request and what the node permits cannot drift apart.
//
// The command runs under `sh -c '...'` so the login shell of the distcc account (which may be
// csh or fish) does not matter. ps lists the processes of the login user, which is the one
// whose `distccd --inetd` (or run-scoped daemon) spawns the compilers; `-u "$(id -u)"` works
// whatever the account is called. All options exist in procps-ng 3.3 and 4.0 (Debian 12 has
// 4.0.2, Gentoo 4.0.x): `etimes` (elapsed seconds), `-ww` (never truncate args). LC_ALL=C
// keeps the decimal point in pcpu a point.

export const PS_FORMAT = 'pid=,ppid=,stat=,etimes=,pcpu=,rss=,comm=,args=';
export const PS_COMMAND = `LC_ALL=C ps -u "$(id -u)" -ww -o ${PS_FORMAT}`;

/** Every marker line of a sample starts with this. */
export const SAMPLE_MARK = '@@demerge:';

/** The marker lines before each section of a sample; `ps` is followed by the sampling shell's pid. */
export const SAMPLE_SECTION = {
  loadavg: `${SAMPLE_MARK}loadavg`,
  nproc: `${SAMPLE_MARK}nproc`,
  stat: `${SAMPLE_MARK}stat`,
  tmp: `${SAMPLE_MARK}tmp`,
  ps: `${SAMPLE_MARK}ps`,
  end: `${SAMPLE_MARK}end`,
} as const;

// `$$` is the sampling shell: its pid lets the parser drop the shell and its own ps.
const SAMPLE_SCRIPT = [
  `echo ${SAMPLE_SECTION.loadavg}`,
  'cat /proc/loadavg',
  `echo ${SAMPLE_SECTION.nproc}`,
  'nproc',
  // Free space where distccd writes every job's files: a full one fails each job there, and
  // nothing else tells the front end why (distcc retries locally and keeps the reason).
  `echo ${SAMPLE_SECTION.tmp}`,
  'df -Pk "${TMPDIR:-/tmp}" 2>/dev/null',
  // /proc/<pid>/stat of the user's processes (dirs it owns; shell builtins only, no fork per
  // process): CPU times in ticks, the reaped children's included, for the CPU accounting.
  `echo ${SAMPLE_SECTION.stat}`,
  'for d in /proc/[0-9]*; do [ -O "$d" ] && read -r l < "$d/stat" && echo "$l"; done 2>/dev/null',
  `echo "${SAMPLE_SECTION.ps} $$"`,
  PS_COMMAND,
  `echo ${SAMPLE_SECTION.end}`,
].join('; ');

/** One round trip: load average, CPU count and processes, between marker lines. The script
 * holds no single quote (a unit test checks), so wrapping it in '...' is safe. */
export const SAMPLE_COMMAND = `sh -c '${SAMPLE_SCRIPT}'`;

/** The line that starts each sample of SAMPLE_LOOP_COMMAND, and the one that ends every sample. */
export const SAMPLE_BEGIN = `${SAMPLE_MARK}begin`;
export const SAMPLE_END = SAMPLE_SECTION.end;

/**
 * The same script once for every line read: the sampler keeps this running on one channel and
 * sends a newline a second, which costs a few packets instead of a channel's setup and
 * teardown. The begin line is a shell builtin's, so its arrival times the round trip.
 */
// The sample is collected in a variable and written at once: one packet to read, not one per
// echo (the subshell and its ps are the shell's descendants, left out like the shell).
export const SAMPLE_LOOP_COMMAND = `sh -c 'while read -r x; do echo ${SAMPLE_BEGIN}; s=$(${SAMPLE_SCRIPT}); printf "%s\\n" "$s"; done'`;
