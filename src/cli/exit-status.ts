import type { EmergeOutcome } from '../emerge/launch.js';
import { DemergeError, NothingToWatchError } from '../errors.js';

// The one place that turns what happened into demerge's exit status (see --help and man/demerge.1):
// emerge's own status, or its signal, for a build; each command's own status otherwise (the dry
// check, setup and trust: 0 all fine, 1 some part failed, 2 nothing usable); 2 for bad usage or
// configuration; 70 (EX_SOFTWARE) for an error demerge did not expect.

/** demerge's end: an exit status, or death by emerge's signal. */
export type Exit = { exitCode: number; signal?: undefined } | { exitCode?: undefined; signal: NodeJS.Signals };

export const SUCCESS: Exit = { exitCode: 0 };

/** A command's own status (the dry check's, setup's, trust's, the dashboard's). */
export function commandExit(status: number): Exit {
  return { exitCode: status };
}

/**
 * A build ends as emerge did: with its status, or by its signal (which tells a calling shell or
 * script that the build was interrupted). An emerge that could not start ends as a shell
 * reports it: 127 when there is no such program, 126 when it cannot be executed.
 */
export function emergeExit(outcome: EmergeOutcome): Exit {
  if (outcome.signal !== undefined) return { signal: outcome.signal };
  if (outcome.notStarted !== undefined) return { exitCode: outcome.notStarted === 'not-executable' ? 126 : 127 };
  return { exitCode: outcome.exitCode };
}

const SIGNAL_STATUS: Partial<Record<NodeJS.Signals, number>> = { SIGINT: 130, SIGTERM: 143, SIGHUP: 129, SIGQUIT: 131 };

/** A command that stopped at a signal and ran nothing that owns it (the dry check): 128 + N, as a shell reports a death by signal N. */
export function interruptedStatus(signal: NodeJS.Signals): number {
  return SIGNAL_STATUS[signal] ?? 130;
}

/** A failure a user can fix (2; 1 when there was no build to watch), or an unexpected one (70). */
export function errorExit(error: unknown): Exit {
  if (error instanceof NothingToWatchError) return { exitCode: 1 };
  return { exitCode: error instanceof DemergeError ? 2 : 70 };
}
