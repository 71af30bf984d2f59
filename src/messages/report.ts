// The history of runs and `demerge report`: what a person reads about recorded runs.

import { quote } from '../errors.js';
import type { Problem } from './common.js';

export const notRecorded = (path: string, reason: string): string => `this run was not recorded in ${path}: ${reason}`;
export const notRecordedFix = (): string => 'make its directory root-owned and not writable by others (chmod 755), or set DEMERGE_HISTORY=FILE';

export const unknownReportOption = (word: string): Problem => [
  `demerge report has no option ${quote(word)}`,
  'its options are --last=N, --package=ATOM, --json (see demerge --help)',
];
export const reportOptionNeedsValue = (option: string): Problem => [`${option} needs a value`, `write it as ${option}=VALUE`];
export const badLast = (value: string): Problem => [`--last ${quote(value)} is not a number of runs`, 'give a whole number from 1 to 100000, e.g. --last=5'];
export const badAtom = (value: string): Problem => [
  `--package ${quote(value)} is not a package atom`,
  'give category/name (dev-util/hello), a name (hello) or =category/name-version',
];

export const noRuns = (path: string): string => `demerge: no runs recorded in ${path}`;
export const noRunsOf = (atom: string, path: string): string => `demerge: no recorded run built ${atom} (${path})`;
export const skippedLines = (count: number, path: string): string =>
  `demerge: note: ${count} line${count === 1 ? '' : 's'} of ${path} ${count === 1 ? 'was' : 'were'} not a whole record and ${count === 1 ? 'was' : 'were'} skipped`;

/** "Run 1234-ab  2026-01-02 03:04Z  1m 00s  exit 0  3 nodes  --jobs=2 dev-util/hello" */
export const runHeading = (id: string, started: string, wall: string, exit: string, nodes: number, args: string): string =>
  `Run ${id}  ${started}  ${wall}  ${exit}  ${nodes} node${nodes === 1 ? '' : 's'}  ${args}`.trimEnd();
export const exitWord = (exit: number | null, signal: string | undefined): string => (exit === null ? `ended by ${signal ?? 'a signal'}` : `exit ${exit}`);
export const packageHeading = (atom: string, runs: number): string => `${atom} in ${runs} recorded run${runs === 1 ? '' : 's'}`;
export const noPackagesInRun = (): string => '  no packages recorded';
export const unattributedRow = (): string => 'unattributed';
export const noCompilerJobs = (): string => 'no C/C++ jobs';
export const notCompleted = (): string => 'not done';
export const reportHeads = {
  pkg: 'Package',
  version: 'Version',
  run: 'Run',
  started: 'Started',
  remote: 'Remote',
  local: 'Local',
  share: 'Share',
  time: 'Time',
  chart: 'Remote share',
} as const;
