// What demerge says after emerge ends: the run summary on stderr (src/dashboard/summary.ts),
// and how a node event reads there and in the dashboard's node details. (One file per
// concern; the rest still lives in src/messages.ts.)

import { nodeEventWords } from '../messages.js';

const plural = (n: number, one: string, many: string = `${one}s`): string => `${n} ${n === 1 ? one : many}`;

export const summaryTitle = (): string => 'demerge run summary';

/** "Wall time 2m 05s, 1 of 2 packages merged, emerge exited 1." */
export const wallTimeLine = (wall: string, completed: number, total: number | undefined, exit: string): string =>
  `Wall time ${wall}, ${total === undefined ? plural(completed, 'package') : `${completed} of ${plural(total, 'package')}`} merged, ${exit}.`;
export const emergeExited = (code: number): string => `emerge exited ${code}`;
export const emergeStopped = (): string => 'emerge was stopped';
export const noExitStatus = (): string => 'no exit status logged';

export const noDistributableJobs = (localOnly: number): string => `No distributable compile jobs (${localOnly} local-only).`;
export const noCompileJobs = (): string => 'No compile jobs logged.';
export const ranRemotely = (remote: number, distributable: number, sharePercent: string): string =>
  `${remote} of ${plural(distributable, 'compile job')} ran remotely (${sharePercent}%)`;
export const localByChoice = (n: number): string => `${n} locally by choice`;
export const localAfterFallback = (n: number): string => `${n} locally after a fallback`;
export const couldNotDistribute = (n: number): string => `${n} could not be distributed`;
/** The parts above as one sentence. */
export const jobsSentence = (parts: readonly string[]): string => `${parts.join(', ')}.`;

export const failedPackages = (cpvs: readonly string[]): string => `Failed or unfinished: ${cpvs.join(', ')}`;

export const nodeTableHeads = {
  node: 'Node',
  jobs: 'Jobs',
  failed: 'Failed',
  retried: 'Retried',
  fellBack: 'Fell back',
  jobTime: 'Job time',
  cpu: 'CPU',
} as const;

export const nodeProblemsHead = (): string => 'Node problems (times from the start of the run):';
export const unreachableAtEnd = (reason: string): string => `at the end: unreachable: ${reason}`;

/** One node event: "3.0s connection lost: the node stopped answering (2 times)". */
export const nodeEventLine = (when: string, kind: keyof typeof nodeEventWords, cause: string, count: number): string =>
  `${when} ${nodeEventWords[kind]} ${cause}${count > 1 ? ` (${count} times)` : ''}`.trimEnd();

export const localOnlyHead = (): string => 'Local-only jobs by cause (distcc would not distribute them):';
export const fallbacksHead = (total: number): string => `Fallbacks to local compiles: ${total}`;

/** The table of packages: one line each, then its local jobs' causes. */
export const packageTableHeads = {
  pkg: 'Package',
  remote: 'Remote',
  local: 'Local',
  share: 'Share',
  time: 'Time',
} as const;
export const noCompilerJobs = (): string => 'no C/C++ jobs';
export const notCompleted = (): string => 'not done';
export const localCausesLine = (causes: string): string => `local: ${causes}`;
export const causeCount = (count: number, cause: string): string => `${count} ${cause}`;
export const byChoiceCount = (count: number): string => `${count} by choice (a local slot was free)`;
export const afterFallbackCount = (count: number): string => `${count} after a fallback`;
/** Jobs of the run's shared log when several packages (or none) were building. */
export const unattributed = (): string => 'unattributed';
/** Jobs of the run's default log: no package's build ran them. */
export const outsidePackages = (): string => 'outside any package';
