// How the checks are reported: the dry check's lines, summary and verdict, and the task titles shown
// while the checks run.

import { plural } from './common.js';

export const frontEndFailed = (): string => "the front end's checks failed (see the warnings above)";

export const checkLine = (verdict: string, subject: string, id: string, message: string): string => `${verdict}  ${subject}  ${id}: ${message}`;

export const fixLine = (fix: string): string => `      fix: ${fix}`;

export const summaryUsable = (usable: number, total: number, remoteSlots: number, localSlots: number): string =>
  `usable nodes: ${usable} of ${total}, ${plural(remoteSlots, 'remote slot')} + ${plural(localSlots, 'local slot')}`;

export const summaryNothingUsable = (total: number): string =>
  total === 0
    ? 'no compile nodes are configured (/etc/demerge.conf or /etc/distcc/hosts): a build would run locally'
    : 'no usable node: a build would run locally, without distcc';

export const summaryRun = (distccHosts: string, makeopts: string): string => `the run would use DISTCC_HOSTS="${distccHosts}" MAKEOPTS="${makeopts}"`;

export const summaryVerdict = (exitCode: number): string =>
  exitCode === 0 ? 'all checks passed' : exitCode === 1 ? 'usable, with warnings or nodes left out' : 'nothing usable';

export const taskFrontEnd = (): string => 'front end: key, known_hosts, distcc, compiler';

export const taskFrontEndDone = (checks: number, warnings: number, failures: number): string =>
  `front end: ${plural(checks, 'check')}${failures > 0 ? `, ${plural(failures, 'failure')}` : ''}${warnings > 0 ? `, ${plural(warnings, 'warning')}` : ''}${
    failures + warnings === 0 ? ' passed' : ''
  }`;

export const taskNodes = (count: number): string => `compile nodes (${count})`;

export const taskNodeDone = (name: string, slots: number, rttMs: number | undefined, compiler: string | undefined, warnings: number): string =>
  `${name}: usable, ${plural(slots, 'slot')}${rttMs === undefined ? '' : `, rtt ${rttMs.toFixed(1)} ms`}${compiler === undefined ? '' : `, ${compiler}`}${
    warnings > 0 ? `, ${plural(warnings, 'warning')}` : ''
  }`;

export const problemsHeading = (): string => 'warnings and failures:';
