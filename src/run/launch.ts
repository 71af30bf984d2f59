import { runWatched } from './dashboard-run.js';
import { Ended, type Ready } from './run-state.js';

// A distcc run is watched (dashboard or status lines, then the summary); a local fallback
// (local-fallback.ts) runs emerge exactly as the user would have, with nothing to watch.
export async function launchEmerge(state: Ready): Promise<Ended> {
  return new Ended(await runWatched(state));
}
