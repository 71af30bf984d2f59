// What demerge says about Portage's configuration: its answer, its flags and what the run
// does with them.

import { quote } from '../errors.js';

type Problem = readonly [message: string, fix: string];

export const portageqFailed = (reason: string): Problem => [
  `could not ask Portage (${reason}): using the defaults (/var/log/emerge.log, /etc/portage, CFLAGS not checked)`,
  'check that `portageq envvar CHOST` works, or set portageq = "/path/to/portageq" in demerge.conf or DEMERGE_PORTAGEQ',
];

export const portageqOk = (program: string, ms: number): string => `asked Portage with ${program} in ${ms} ms`;

export const flagsClean = (): string => 'no flag in CFLAGS, CXXFLAGS, FCFLAGS or FFLAGS keeps distcc local';

export const flagsNotChecked = (): string => 'Portage did not answer: only the files under /etc/portage were checked for flags';

const shown = (word: string): string => (/^[A-Za-z0-9=_.,+:/-]+$/.test(word) && word.length <= 60 ? word : quote(word));

const whose = (atoms: readonly string[]): string => (atoms.length === 0 ? 'every package' : atoms.map(shown).join(', '));

export const nativeResolved = (word: string, where: string, atoms: readonly string[], expansion: readonly string[]): string => {
  const first = expansion.find((flag) => flag.startsWith('-march=') || flag.startsWith('-mtune=')) ?? expansion[0] ?? '';
  return `${word} (${where}, ${whose(atoms)}) is made explicit for this run: ${first} and ${expansion.length - 1} more flags, as this machine's gcc derives them`;
};

const WHY: Record<string, readonly [string, string]> = {
  'bash-hook': [
    'it is set in a bash hook, which demerge does not rewrite',
    'set it in make.conf or a package.env file instead, or write the explicit flags (gcc -### -march=native -x c -c /dev/null)',
  ],
  unquoted: ['it is not in a quoted value', 'quote the value: CFLAGS="..."'],
  profile: ["it comes from Portage's profile", 'override CFLAGS in make.conf'],
  'config-root-option': [
    "--config-root or --prefix moves Portage's configuration away from what demerge read",
    'run without --config-root, or with PORTAGE_CONFIGROOT set in the environment',
  ],
  'not-root': ["only root can show emerge the run's copy of the file", 'run demerge as root'],
  unresolved: ["this machine's gcc did not derive the explicit flags", 'check that ${CHOST}-gcc runs, or write the explicit flags yourself'],
  'resolve-native-off': ['resolve_native = false in demerge.conf', 'remove resolve_native = false, or write the explicit flags in place of the native ones'],
};

export const nativeStays = (word: string, where: string, atoms: readonly string[], why: string, detail?: string): Problem => {
  const [reason, fix] = WHY[why] ?? ['demerge cannot rewrite it', 'write the explicit flags in place of it'];
  return [`${word} (${where}, ${whose(atoms)}) stays: ${reason}${detail === undefined ? '' : ` (${detail})`}; every compile with it runs locally`, fix];
};

export const flagKeepsLocal = (word: string, where: string, atoms: readonly string[], cause: string): Problem => [
  `${shown(word)} (${where}, ${whose(atoms)}) makes distcc compile locally: ${cause}`,
  'leave it if the package needs it; remove it from the flags to let distcc send the jobs to the nodes',
];

// Why Portage could not be asked (the reason inside portageqFailed).
export const portageqMissing = (): string => 'portageq was not found';
export const portageqNamedMissing = (program: string): string => `portageq ${JSON.stringify(program)} was not found`;
export const portageqSlow = (seconds: number): string => `portageq took longer than ${seconds} s`;
export const portageqCannotRun = (code: string): string => `portageq could not run (${code})`;
export const portageqKilled = (signal: string | undefined, firstLine: string): string => `portageq was killed by ${signal ?? 'a signal'}${firstLine}`;
export const portageqExited = (status: number, firstLine: string): string => `portageq exited ${status}${firstLine}`;
export const portageqUnreadable = (): string => 'portageq printed something demerge cannot read';

// Why -march=native could not be made explicit (the detail inside nativeStays).
export const compilerNotPlain = (compiler: string): string => `compiler name ${JSON.stringify(compiler)} is not plain`;
export const compilerDidNotRun = (compiler: string): string => `${compiler} -### did not run`;
export const compilerNoCc1 = (compiler: string): string => `${compiler} -### printed no cc1 command line (is ${compiler} gcc?)`;
export const compilerOddOption = (compiler: string, option: string): string =>
  `${compiler} derived an unexpected option ${JSON.stringify(option.slice(0, 60))}`;
export const compilerNotResolved = (compiler: string): string => `${compiler} did not resolve -march=native`;
