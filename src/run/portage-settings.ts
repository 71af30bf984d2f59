import { isFrontEndBlocker } from '../checks/summary.js';
import type { Check } from '../checks/types.js';
import { DemergeError } from '../errors.js';
import * as msg from '../messages.js';
import { localFallback } from './local-fallback.js';
import { chooseDistccDir } from './prepare-run-dir.js';
import { say, type Answered, type Connected, type Ended } from './run-state.js';

// Portage's answer, asked for while the nodes were probed and the transport started. Its
// checks come now: a warning is said; a failure that keeps every job local (no masquerade
// directory: Portage would drop FEATURES=distcc) means a local build, as before the nodes.
export async function portageSettings(state: Connected): Promise<Answered | Ended> {
  const portageFacts = (await state.portage.portage).facts;
  const checks = (await state.portageChecks).checks;
  for (const check of checks) if (check.verdict !== 'ok') say(state, warning(check));
  const blocker = checks.find(isFrontEndBlocker);
  if (blocker !== undefined) {
    if (state.options.strict) throw new DemergeError(blocker.message, blocker.fix ?? '');
    return localFallback(state);
  }
  const distccDir = chooseDistccDir(state, portageFacts);
  state.transport.useDistccDir(distccDir);
  return { ...state, portageFacts, distccDir };
}

function warning(check: Check): string {
  return msg.warningLine(check.message, check.fix ?? '');
}
