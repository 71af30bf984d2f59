import { startEmerge } from '../emerge/launch.js';
import type { RunState } from './run-state.js';

export async function launchEmerge(state: RunState): Promise<'stop'> {
  const emerge = startEmerge(state.emerge!, state.args.emergeArgs, state.env!);
  state.relay.attach(emerge);
  state.outcome = await emerge.outcome;
  return 'stop';
}
