// The dashboard: watching a build, the dashboard's own notes and failures, and the words that
// introduce node events in it and in the summary.

import { printable } from '../errors.js';
import type { Problem } from './common.js';

/** How the summary and the dashboard introduce each kind of node event. */
export const nodeEventWords = {
  lost: 'connection lost:',
  failed: 'still unreachable:',
  back: 'connected again',
  node: 'node reports:',
  resumed: 'gets jobs again',
} as const;

export const emergeOutputDropped = (bytes: number): string =>
  `[demerge: the first ${(bytes / (1024 * 1024)).toFixed(1)} MiB emerge printed while the dashboard was shown are not repeated here; the build logs have them]`;

export const dashboardStopping = (): string => 'stopping the build: Ctrl-C sent to emerge';

export const dashboardNeedsPython = (): string =>
  'demerge: note: no dashboard: python3 (which gives emerge its own terminal) was not found; status lines instead';

export const dashboardFailed = (detail: string): string =>
  `demerge: the dashboard stopped (${printable(detail.slice(0, 200))}); the build goes on, emerge's output follows (please report this)`;

export const noRunToWatch = (pid: number | undefined): Problem =>
  pid === undefined
    ? ['no build is running under demerge', 'start one with demerge <emerge arguments>, then run demerge --dashboard from another terminal']
    : [`no build of demerge process ${pid} is running`, 'run demerge --dashboard without a PID to watch the newest build'];

export const watchingRun = (pid: number, dir: string): string => `demerge: watching the build of demerge process ${pid} (${dir})`;

export const watchedRunEnded = (): string => 'the build has ended';
