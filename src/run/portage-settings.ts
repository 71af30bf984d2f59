import type { RunState } from './run-state.js';

// Portage's answer, which the checks already waited for (a failure was said there, as a
// warning): the run's paths come from it from here on.
export async function portageSettings(state: RunState): Promise<void> {
  state.portageFacts = (await state.portage!.portage).facts;
}
