import { startEmerge } from '../emerge/launch.js';
import { runWatched } from './dashboard-run.js';
import type { RunState } from './run-state.js';

// A distcc run is watched (dashboard or status lines, then the summary); a local fallback
// runs emerge exactly as the user would have, with nothing to watch.
export async function launchEmerge(state: RunState): Promise<'stop'> {
  if (state.runDir === undefined || state.distccDir === undefined) {
    const emerge = startEmerge(state.emerge!, state.args.emergeArgs, state.env!);
    state.relay.attach(emerge);
    state.outcome = await emerge.outcome;
    return 'stop';
  }
  state.outcome = await runWatched(state);
  return 'stop';
}
